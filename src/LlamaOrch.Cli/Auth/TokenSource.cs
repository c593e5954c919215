using LlamaOrch.Client;

namespace LlamaOrch.Cli.Auth;

/// <summary>The token a command sends and where it was found, so a refusal can say where to look (docs/cli.md, "The token").</summary>
/// <param name="Token">The token; null when none was found.</param>
/// <param name="Origin">Where it came from: <c>--token</c>, <c>$LLORCH_API_TOKEN</c> or the token file's path.</param>
/// <param name="TokenFile">The file orchestratord writes on this machine, looked at last.</param>
internal sealed record TokenSource(string? Token, string? Origin, string TokenFile)
{
    /// <summary>The order of <see cref="ApiToken.Resolve()"/>, with <c>--token</c> before it.</summary>
    public static TokenSource Resolve(string? option)
    {
        var file = ApiToken.DefaultTokenFile;
        if (option?.Trim() is { Length: > 0 } given) return new(given, "--token", file);
        var environment = Environment.GetEnvironmentVariable(ApiToken.EnvironmentVariable);
        if (environment?.Trim() is { Length: > 0 } fromEnvironment) return new(fromEnvironment, "$" + ApiToken.EnvironmentVariable, file);
        return ApiToken.Resolve(null, file) is { } fromFile ? new(fromFile, file, file) : new(null, null, file);
    }

    /// <summary>The places looked at, in order, for a message.</summary>
    public string LookedAt => $"--token, ${ApiToken.EnvironmentVariable}, then {TokenFile}";
}

namespace LlamaOrch.Client;

/// <summary>Where a client finds orchestratord's API token, in the order orchestratord itself looks.</summary>
public static class ApiToken
{
    /// <summary>The environment variable both orchestratord and its clients read.</summary>
    public const string EnvironmentVariable = "LLORCH_API_TOKEN";

    /// <summary>
    /// The token file orchestratord generates on a loopback-only bind when no token is configured:
    /// <c>~/.local/share/llama-orch/api-token</c> (its default data folder).
    /// </summary>
    public static string DefaultTokenFile =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "llama-orch", "api-token");

    /// <summary><c>LLORCH_API_TOKEN</c> when set, else the contents of <see cref="DefaultTokenFile"/>, else null.</summary>
    public static string? Resolve() => Resolve(Environment.GetEnvironmentVariable(EnvironmentVariable), DefaultTokenFile);

    /// <summary>
    /// <paramref name="environmentValue"/> when it is not blank, else the trimmed contents of <paramref name="tokenFile"/>
    /// when it exists and is readable and not blank, else null.
    /// </summary>
    public static string? Resolve(string? environmentValue, string? tokenFile)
    {
        if (environmentValue?.Trim() is { Length: > 0 } fromEnvironment) return fromEnvironment;
        if (tokenFile is null || !File.Exists(tokenFile)) return null;
        try
        {
            return File.ReadAllText(tokenFile).Trim() is { Length: > 0 } fromFile ? fromFile : null;
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            // An unreadable file is the same as none: the call then fails with a clear 401 from the server.
            return null;
        }
    }
}

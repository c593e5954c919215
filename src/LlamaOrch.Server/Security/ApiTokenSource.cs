using System.Security.Cryptography;
using LlamaOrch.Server.Configuration;

namespace LlamaOrch.Server.Security;

/// <summary>
/// Where the API token comes from, in order: <c>LLORCH_API_TOKEN</c>, <c>Orchestrator:Auth:TokenFile</c>,
/// and, on a loopback-only bind, a token generated once into the data folder (mode 0600) so that a
/// fresh start is secure without any setup. A non-loopback bind needs one of the explicit two.
/// </summary>
internal sealed record ApiTokenSource(string? Token, string Origin)
{
    public const string EnvironmentVariable = "LLORCH_API_TOKEN";
    public const string GeneratedFileName = "api-token";

    public bool AuthDisabled => Token is null;

    public static ApiTokenSource Resolve(OrchestratorSettings settings, IReadOnlyList<string> urls)
    {
        var allLoopback = urls.All(BindAddresses.IsLoopback);
        if (settings.Auth.Disabled)
        {
            if (!allLoopback)
                throw new ConfigurationException(
                    $"Orchestrator:Auth:Disabled is allowed on loopback binds only, but orchestratord would listen on {string.Join(", ", urls)}");
            return new ApiTokenSource(null, "disabled (Orchestrator:Auth:Disabled)");
        }

        if (Environment.GetEnvironmentVariable(EnvironmentVariable)?.Trim() is { Length: > 0 } fromEnvironment)
            return new ApiTokenSource(fromEnvironment, EnvironmentVariable);

        if (settings.Auth.TokenFile is { Length: > 0 } tokenFile)
            return new ApiTokenSource(ReadTokenFile(tokenFile, "Orchestrator:Auth:TokenFile"), $"file {tokenFile}");

        if (!allLoopback)
            throw new ConfigurationException(
                $"refusing to listen on {string.Join(", ", urls)} without an API token: a non-loopback bind exposes the API to the network. " +
                $"Set {EnvironmentVariable} or Orchestrator:Auth:TokenFile, or bind 127.0.0.1 (see docs/remote-access.md)");

        var generated = Path.Combine(settings.DataDir, GeneratedFileName);
        return new ApiTokenSource(File.Exists(generated) ? ReadTokenFile(generated, generated) : Generate(generated), $"file {generated}");
    }

    private static string ReadTokenFile(string path, string key)
    {
        string text;
        try
        {
            text = File.ReadAllText(path).Trim();
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new ConfigurationException($"{key}: cannot read the token file: {error.Message}");
        }
        return text.Length > 0 ? text : throw new ConfigurationException($"{key}: the token file {path} is empty");
    }

    private static string Generate(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var temporary = path + ".tmp-" + Environment.ProcessId;
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var file = new StreamWriter(temporary, System.Text.Encoding.ASCII, options)) file.Write(token);
        File.Move(temporary, path, overwrite: false);
        return token;
    }
}

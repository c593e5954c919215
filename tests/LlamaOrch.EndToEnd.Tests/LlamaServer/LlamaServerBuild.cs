namespace LlamaOrch.EndToEnd.Tests.LlamaServer;

/// <summary>
/// Where a real llama-server is, for the tests that use one as the reference upstream (issue 18): the executable
/// <c>LLORCH_LLAMA_SERVER</c> names, else the one bench/inference/run.sh builds,
/// <c>$LLORCH_INFER_CACHE/llama-build/bin/llama-server</c> (by default under <c>~/.cache/llorch-bench</c>). Building it
/// takes about half an hour on two cores, so the regular test run does not: where it is missing, these tests are
/// reported as skipped, saying why.
/// </summary>
internal static class LlamaServerBuild
{
    public const string PathVariable = "LLORCH_LLAMA_SERVER";

    private static readonly (string? Path, string Why) Found = Find();

    /// <summary>The executable, or null when there is none.</summary>
    public static string? Path => Found.Path;

    /// <summary>Why there is none, for the skip message; null when there is.</summary>
    public static string? Missing => Found.Path is null ? Found.Why : null;

    private static (string? Path, string Why) Find()
    {
        if (Environment.GetEnvironmentVariable(PathVariable) is { Length: > 0 } named)
        {
            return (File.Exists(named) ? named : null, $"{PathVariable}={named} is not a file");
        }
        var cache = Environment.GetEnvironmentVariable("LLORCH_INFER_CACHE") is { Length: > 0 } set
            ? set
            : System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "llorch-bench");
        var built = System.IO.Path.Combine(cache, "llama-build", "bin", "llama-server");
        return (File.Exists(built) ? built : null,
            $"no llama-server at {built} and {PathVariable} is not set: bench/inference/run.sh builds one (docs/upstreams.md)");
    }
}

namespace LlamaOrch.Testing;

/// <summary>
/// Where tests find the repository and the shared test models: walking up from the test binaries to the
/// folder holding llama-orch.sln, whose parent holds shared/ (in a working tree and in CI alike).
/// </summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary><c>../shared/models</c> beside the repository: real models for tests, nothing downloaded.</summary>
    public static string SharedModels => Path.GetFullPath(Path.Combine(Root, "..", "shared", "models"));

    public static string Stories260K => Path.Combine(SharedModels, "stories260K.gguf");

    public static string InRepo(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "llama-orch.sln"))) return dir.FullName;
        }
        throw new DirectoryNotFoundException($"no llama-orch.sln above {AppContext.BaseDirectory}");
    }
}

namespace LlamaOrch.Engines.Tests.Gguf;

/// <summary>Finds the shared test models: <c>../shared/models/</c> beside the repository, nothing downloaded.</summary>
internal static class TestModels
{
    public const string Stories260KFileName = "stories260K.gguf";

    public static string Stories260K => Find(Stories260KFileName);

    private static string Find(string fileName)
    {
        // Walk up from the test binaries: the repository's parent holds shared/, in a working tree and in CI alike.
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "shared", "models", fileName);
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException(
            $"test model {fileName} not found in shared/models/ in any parent of {AppContext.BaseDirectory}", fileName);
    }
}

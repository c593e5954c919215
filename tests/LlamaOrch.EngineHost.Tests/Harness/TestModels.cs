namespace LlamaOrch.EngineHost.Tests.Harness;

internal static class TestModels
{
    /// <summary>The real tiny llama model in ../shared/models, beside the repository.</summary>
    public static string Stories260K
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (!File.Exists(Path.Combine(dir.FullName, "llama-orch.sln"))) dir = dir.Parent!;
            return Path.Combine(dir.Parent!.FullName, "shared", "models", "stories260K.gguf");
        }
    }
}

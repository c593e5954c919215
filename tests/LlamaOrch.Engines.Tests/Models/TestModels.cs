using System.Security.Cryptography;

namespace LlamaOrch.Engines.Tests.Models;

/// <summary>The shared test model and generated stand-ins for downloads.</summary>
internal static class TestModels
{
    /// <summary><c>../shared/models</c> next to the repository root (the directory holding llama-orch.sln).</summary>
    public static string SharedModelsDir { get; } = FindSharedModels();

    public static string Stories260KPath => Path.Combine(SharedModelsDir, "stories260K.gguf");

    public const long Stories260KSize = 1_185_376;

    /// <summary>A file of <paramref name="size"/> bytes that starts like GGUF, the same for the same seed.</summary>
    public static byte[] FakeGguf(int size, int seed = 7)
    {
        var content = new byte[size];
        new Random(seed).NextBytes(content);
        "GGUF"u8.CopyTo(content);
        return content;
    }

    public static string Sha256Of(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));

    public static string Sha256Of(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

    private static string FindSharedModels()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (!File.Exists(Path.Combine(dir.FullName, "llama-orch.sln"))) continue;
            var shared = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "models"));
            return Directory.Exists(shared)
                ? shared
                : throw new DirectoryNotFoundException($"The test models are expected in {shared} (next to the repository root {dir.FullName}).");
        }
        throw new DirectoryNotFoundException($"No llama-orch.sln above {AppContext.BaseDirectory}.");
    }
}

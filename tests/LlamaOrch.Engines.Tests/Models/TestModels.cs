using LlamaOrch.Testing;
using System.Security.Cryptography;

namespace LlamaOrch.Engines.Tests.Models;

/// <summary>The shared test model and generated stand-ins for downloads.</summary>
internal static class TestModels
{
    public static string SharedModelsDir => RepoPaths.SharedModels;

    public static string Stories260KPath => RepoPaths.Stories260K;

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
}

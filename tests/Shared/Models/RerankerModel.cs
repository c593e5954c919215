using LlamaOrch.EngineProtocol.Gguf;

namespace LlamaOrch.Testing;

/// <summary>
/// A reranking model for tests: random weights in stories260K's shape with a Qwen3-style yes/no head, written by
/// <see cref="RandomLlamaModelWriter"/> once per machine (the same seed always gives the same bytes, so concurrent
/// test processes that both write it write the same file, atomically). Its scores are real llama.cpp output but carry
/// no meaning: tests check what must hold for any model, not which document wins.
/// </summary>
internal static class RerankerModel
{
    private const ulong Seed = 11;

    private static readonly Lazy<Task<string>> Written = new(WriteAsync);

    public static Task<string> PathAsync() => Written.Value;

    private static async Task<string> WriteAsync()
    {
        var folder = Path.Combine(Path.GetTempPath(), "llorch-test-models");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, $"random-qwen3-reranker-seed{Seed}-v1.gguf");
        if (!File.Exists(path))
            await RandomLlamaModelWriter.WriteFileAsync(path, LlamaModelShape.Stories260K, GgmlType.F32, Seed, reranker: true);
        return path;
    }
}

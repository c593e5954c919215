using LlamaOrch.LlamaCpp.Native;

namespace LlamaOrch.LlamaCpp;

/// <summary>
/// Pooled, L2-normalised embeddings of texts, from a context of its own beside the generation context
/// (both share the loaded weights). One text at a time: its tokens must sit in one batch for pooling.
/// </summary>
internal sealed class Embedder : IDisposable
{
    private readonly LlamaModel _model;
    private readonly LlamaContext _context;
    private readonly object _gate = new();

    public Embedder(LlamaModel model, int maxTokens, int threads, int pooling = LlamaPoolingType.Mean)
    {
        _model = model;
        _context = new LlamaContext(model, maxTokens, sequences: 1, threads, batchSize: maxTokens, embeddingPooling: pooling);
        MaxTokens = maxTokens;
    }

    public int MaxTokens { get; }

    public int Dimensions => _model.EmbeddingSize;

    /// <summary>The embedding of <paramref name="text"/> and its token count.</summary>
    public (float[] Vector, int Tokens) Embed(string text)
    {
        var tokens = _model.Tokenize(text);
        if (tokens.Length == 0) tokens = [_model.Bos];
        if (tokens.Length > MaxTokens) throw new ArgumentException($"input of {tokens.Length} tokens exceeds the context of {MaxTokens}");
        float[] vector;
        lock (_gate) vector = _context.PoolAlone(tokens, _model.EmbeddingSize);
        Normalize(vector);
        return (vector, tokens.Length);
    }

    private static void Normalize(float[] vector)
    {
        var norm = Math.Sqrt(vector.Sum(v => (double)v * v));
        if (norm == 0) return;
        for (var i = 0; i < vector.Length; i++) vector[i] = (float)(vector[i] / norm);
    }

    public void Dispose() => _context.Dispose();
}

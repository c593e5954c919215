namespace LlamaOrch.EngineProtocol.Gguf;

/// <summary>
/// The hyperparameters of a llama-architecture model: what <see cref="RandomLlamaModelWriter"/> builds and what a
/// llama.cpp loader reads back. Head dimension is <see cref="EmbeddingLength"/> / <see cref="HeadCount"/>, as in
/// every llama model without a separate key length.
/// </summary>
internal sealed record LlamaModelShape(
    int VocabSize,
    int EmbeddingLength,
    int BlockCount,
    int HeadCount,
    int HeadCountKv,
    int FeedForwardLength,
    int ContextLength)
{
    /// <summary>The shape of stories260K, the real model the tests use: a handy small default.</summary>
    public static LlamaModelShape Stories260K { get; } = new(512, 64, 5, 8, 4, 172, 2048);

    public int HeadDimension => EmbeddingLength / HeadCount;

    /// <summary>The width of the K and V projections: fewer than the Q heads with grouped-query attention.</summary>
    public int KvDimension => HeadCountKv * HeadDimension;

    /// <summary>Every weight: embeddings, output, and per layer attention, feed-forward and the two norms.</summary>
    public long ParameterCount
    {
        get
        {
            long embd = EmbeddingLength, vocab = VocabSize, ff = FeedForwardLength, kv = KvDimension;
            var perLayer = embd * embd * 2 + embd * kv * 2 + embd * ff * 3 + embd * 2;
            return vocab * embd * 2 + embd + perLayer * BlockCount;
        }
    }

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first hyperparameter llama.cpp would refuse.</summary>
    public void Validate()
    {
        Positive(VocabSize, nameof(VocabSize));
        Positive(EmbeddingLength, nameof(EmbeddingLength));
        Positive(BlockCount, nameof(BlockCount));
        Positive(HeadCount, nameof(HeadCount));
        Positive(HeadCountKv, nameof(HeadCountKv));
        Positive(FeedForwardLength, nameof(FeedForwardLength));
        Positive(ContextLength, nameof(ContextLength));
        if (VocabSize < RandomLlamaVocabulary.MinimumSize)
        {
            throw new ArgumentException(
                $"{nameof(VocabSize)} {VocabSize} is too small: a SentencePiece vocabulary needs <unk>, <s>, </s> and the 256 byte tokens ({RandomLlamaVocabulary.MinimumSize})");
        }
        if (EmbeddingLength % HeadCount != 0)
            throw new ArgumentException($"{nameof(EmbeddingLength)} {EmbeddingLength} is not a multiple of {nameof(HeadCount)} {HeadCount}");
        // RoPE rotates pairs of dimensions.
        if (HeadDimension % 2 != 0)
            throw new ArgumentException($"the head dimension {HeadDimension} ({nameof(EmbeddingLength)} / {nameof(HeadCount)}) must be even for RoPE");
        if (HeadCount % HeadCountKv != 0)
            throw new ArgumentException($"{nameof(HeadCount)} {HeadCount} is not a multiple of {nameof(HeadCountKv)} {HeadCountKv}");
    }

    private static void Positive(int value, string name)
    {
        if (value <= 0) throw new ArgumentException($"{name} must be positive, but it is {value}");
    }
}

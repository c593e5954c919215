namespace LlamaOrch.EngineProtocol.Gguf;

/// <summary>
/// The facts about a model that placement and the catalog need, taken from a GGUF header. A fact the file does not
/// state is null rather than guessed: llama.cpp has per-architecture defaults we do not want to copy here.
/// </summary>
internal sealed record GgufModelInfo
{
    /// <summary><c>general.architecture</c>: llama, qwen2, gemma3, ….</summary>
    public string? Architecture { get; init; }

    /// <summary><c>general.name</c>.</summary>
    public string? Name { get; init; }

    /// <summary><c>{arch}.context_length</c>: the context the model was trained for.</summary>
    public long? ContextLength { get; init; }

    /// <summary><c>{arch}.block_count</c>: the number of transformer layers.</summary>
    public long? BlockCount { get; init; }

    /// <summary><c>{arch}.attention.head_count</c>; where it is per layer, the largest.</summary>
    public long? HeadCount { get; init; }

    /// <summary><c>{arch}.attention.head_count_kv</c>; where it is per layer, the largest.</summary>
    public long? HeadCountKv { get; init; }

    /// <summary><c>{arch}.embedding_length</c>: the hidden size.</summary>
    public long? EmbeddingLength { get; init; }

    /// <summary><c>{arch}.feed_forward_length</c>; where it is per layer, the largest.</summary>
    public long? FeedForwardLength { get; init; }

    /// <summary>The length of <c>tokenizer.ggml.tokens</c>, else <c>{arch}.vocab_size</c>.</summary>
    public long? VocabSize { get; init; }

    /// <summary><c>tokenizer.ggml.model</c>: llama (SentencePiece), gpt2 (BPE), bert, ….</summary>
    public string? TokenizerModel { get; init; }

    /// <summary><c>general.file_type</c>, the quantization mix; null when the file does not say.</summary>
    public uint? FileType { get; init; }

    /// <summary>The readable name of <see cref="FileType"/> (F16, Q4_K_M); null when the file does not say.</summary>
    public string? FileTypeName { get; init; }

    public int TensorCount { get; init; }

    /// <summary>The sum of every tensor's element count.</summary>
    public long ParameterCount { get; init; }

    /// <summary>The sum of every tensor's byte size: about what the weights take in memory.</summary>
    public long TensorBytes { get; init; }

    internal static GgufModelInfo From(IReadOnlyDictionary<string, GgufValue> metadata, IReadOnlyList<GgufTensorInfo> tensors)
    {
        var architecture = metadata.GetValueOrDefault(GgufKeys.Architecture)?.AsString();
        long? Count(string suffix) =>
            architecture is null ? null : CountOf(metadata.GetValueOrDefault(GgufKeys.ForArchitecture(architecture, suffix)));

        var tokens = metadata.GetValueOrDefault(GgufKeys.TokenizerTokens);
        var fileType = metadata.GetValueOrDefault(GgufKeys.FileType)?.AsInt64() is { } ft and >= 0 and <= uint.MaxValue ? (uint?)ft : null;
        long parameters = 0, bytes = 0;
        foreach (var tensor in tensors)
        {
            parameters = checked(parameters + tensor.ElementCount);
            bytes = checked(bytes + tensor.ByteSize);
        }

        return new GgufModelInfo
        {
            Architecture = architecture,
            Name = metadata.GetValueOrDefault(GgufKeys.Name)?.AsString(),
            ContextLength = Count(GgufKeys.ContextLength),
            BlockCount = Count(GgufKeys.BlockCount),
            HeadCount = Count(GgufKeys.HeadCount),
            HeadCountKv = Count(GgufKeys.HeadCountKv),
            EmbeddingLength = Count(GgufKeys.EmbeddingLength),
            FeedForwardLength = Count(GgufKeys.FeedForwardLength),
            VocabSize = tokens is { Type: GgufValueType.Array } ? tokens.ArrayLength : Count(GgufKeys.VocabSize),
            TokenizerModel = metadata.GetValueOrDefault(GgufKeys.TokenizerModel)?.AsString(),
            FileType = fileType,
            FileTypeName = fileType is { } known ? GgufFileTypeNames.Describe(known) : null,
            TensorCount = tensors.Count,
            ParameterCount = parameters,
            TensorBytes = bytes,
        };
    }

    // Some architectures (OpenELM, Jamba, gpt-oss) store head and feed-forward counts per layer; the largest is what
    // sizes the KV cache and the compute buffers.
    private static long? CountOf(GgufValue? value)
    {
        if (value is null) return null;
        if (value.Type != GgufValueType.Array) return value.AsInt64();
        long? largest = null;
        switch (value.ArrayElementType)
        {
            case GgufValueType.Int32: foreach (var v in value.GetArray<int>()) largest = Math.Max(largest ?? long.MinValue, v); break;
            case GgufValueType.UInt32: foreach (var v in value.GetArray<uint>()) largest = Math.Max(largest ?? long.MinValue, v); break;
            case GgufValueType.Int64: foreach (var v in value.GetArray<long>()) largest = Math.Max(largest ?? long.MinValue, v); break;
            default: return null;
        }
        return largest;
    }
}

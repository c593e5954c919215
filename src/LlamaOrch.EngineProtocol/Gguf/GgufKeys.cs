namespace LlamaOrch.EngineProtocol.Gguf;

/// <summary>
/// Well-known metadata keys (gguf-py's <c>Keys</c>). Keys with an <c>{arch}</c> part are built by
/// <see cref="ForArchitecture"/> from <c>general.architecture</c>: llama.context_length, qwen2.context_length, ….
/// </summary>
internal static class GgufKeys
{
    public const string Architecture = "general.architecture";
    public const string Name = "general.name";
    public const string Alignment = "general.alignment";
    public const string FileType = "general.file_type";
    public const string QuantizationVersion = "general.quantization_version";

    public const string ContextLength = "context_length";
    public const string EmbeddingLength = "embedding_length";
    public const string BlockCount = "block_count";
    public const string FeedForwardLength = "feed_forward_length";
    public const string VocabSize = "vocab_size";
    public const string HeadCount = "attention.head_count";
    public const string HeadCountKv = "attention.head_count_kv";
    public const string LayerNormRmsEpsilon = "attention.layer_norm_rms_epsilon";
    public const string RopeDimensionCount = "rope.dimension_count";
    public const string RopeFreqBase = "rope.freq_base";
    public const string PoolingType = "pooling_type";
    public const string ClassifierOutputLabels = "classifier.output_labels";

    public const string TokenizerModel = "tokenizer.ggml.model";
    public const string TokenizerTokens = "tokenizer.ggml.tokens";
    public const string TokenizerScores = "tokenizer.ggml.scores";
    public const string TokenizerTokenType = "tokenizer.ggml.token_type";
    public const string TokenizerBosId = "tokenizer.ggml.bos_token_id";
    public const string TokenizerEosId = "tokenizer.ggml.eos_token_id";
    public const string TokenizerUnknownId = "tokenizer.ggml.unknown_token_id";
    public const string TokenizerAddBos = "tokenizer.ggml.add_bos_token";
    public const string TokenizerAddEos = "tokenizer.ggml.add_eos_token";
    public const string RerankTemplate = "tokenizer.chat_template.rerank";
    public const string ChatTemplate = "tokenizer.chat_template";

    /// <summary>The full key of an architecture-specific fact: ("llama", "context_length") → "llama.context_length".</summary>
    public static string ForArchitecture(string architecture, string suffix) => $"{architecture}.{suffix}";
}

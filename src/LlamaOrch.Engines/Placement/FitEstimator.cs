using LlamaOrch.EngineProtocol.Gguf;

namespace LlamaOrch.Engines.Placement;

/// <summary>
/// Estimates the GPU memory a fully offloaded llama.cpp replica takes, from the GGUF header alone: weights, KV cache,
/// compute buffer and a fixed per-process overhead. Meant to err high: a replica that does not fit fails at load
/// (or, worse, pushes a neighbour out of memory), while one that would have fit merely waits for a bigger card.
/// </summary>
internal static class FitEstimator
{
    /// <summary>The micro-batch (llama.cpp's n_ubatch) llorch-engine uses: it sizes the compute buffer.</summary>
    public const int MicroBatchTokens = 512;

    /// <summary>
    /// Per-process memory outside llama.cpp's buffers: the CUDA context with llama.cpp's kernel images loaded and
    /// cuBLAS's handle and workspace, a few hundred MiB depending on the driver, the card and how many kernels get
    /// loaded, plus the CUDA memory pool's rounding. None of it shows in llama.cpp's buffer sizes and all of it shows
    /// in nvidia-smi, so it is what an estimate built from those sizes alone would miss. 512 MiB is a round figure
    /// above what such a process is usually seen to add; it is a guess to refine with measurements, not one of them.
    /// </summary>
    public const long OverheadBytes = 512 * ByteSize.MiB;

    // llama.cpp's default cache type is f16 for both K and V.
    private const long KvElementBytes = 2;

    // Activations, attention scores and logits are f32.
    private const long ActivationBytes = 4;

    // llama.cpp pads each sequence's share of the cache to a multiple of 256 cells; padding per slot is never less
    // than padding the total.
    private const int KvPaddingTokens = 256;

    // Head sizes that differ from embedding_length / head_count (Gemma's 256, for one). Not in GgufModelInfo: only
    // the KV cache needs them, and only EstimateFile has the metadata to look them up.
    private const string KeyLength = "attention.key_length";
    private const string ValueLength = "attention.value_length";

    /// <summary>Estimates from model facts already read.</summary>
    /// <exception cref="FitEstimateException">A fact the estimate needs is missing; the message names every key.</exception>
    public static FitEstimate Estimate(GgufModelInfo info, int ctxPerSlot, int slots) =>
        Estimate(info, ctxPerSlot, slots, keyLength: null, valueLength: null);

    /// <summary>
    /// Estimates from the header of the GGUF file at <paramref name="ggufPath"/>. Reads metadata and tensor infos only,
    /// never tensor data, and does not check that the data is all there (the model store's job), so a 70 GB model
    /// costs a few megabytes of reading.
    /// </summary>
    /// <exception cref="GgufFormatException">The file is not a GGUF file we can read.</exception>
    /// <exception cref="FitEstimateException">The header lacks a fact the estimate needs.</exception>
    public static FitEstimate EstimateFile(string ggufPath, int ctxPerSlot, int slots, CancellationToken cancellationToken = default)
    {
        var file = GgufReader.Read(ggufPath, verifyTensorData: false, cancellationToken);
        long? HeadLength(string suffix) => file.Model.Architecture is { } architecture
            ? file.Metadata.GetValueOrDefault(GgufKeys.ForArchitecture(architecture, suffix))?.AsInt64()
            : null;
        try
        {
            return Estimate(file.Model, ctxPerSlot, slots, HeadLength(KeyLength), HeadLength(ValueLength));
        }
        catch (FitEstimateException e)
        {
            throw new FitEstimateException($"{ggufPath}: {e.Message}", e.MissingKeys);
        }
    }

    /// <summary>A <c>sim:</c> ref takes the <c>vram_mib</c> it declares, as weights, and nothing else.</summary>
    /// <exception cref="FormatException">Not a sim ref, or a bad <c>vram_mib</c>.</exception>
    public static FitEstimate EstimateSim(string simRef) => new(SimModelFootprint.Parse(simRef), 0, 0, 0);

    internal static FitEstimate Estimate(GgufModelInfo info, int ctxPerSlot, int slots, long? keyLength, long? valueLength)
    {
        ArgumentNullException.ThrowIfNull(info);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ctxPerSlot);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(slots);

        var architecture = info.Architecture;
        var missing = new List<string>();
        string Key(string suffix) => GgufKeys.ForArchitecture(architecture ?? "{arch}", suffix);
        long Require(long? value, string key)
        {
            if (value is > 0) return value.Value;
            missing.Add(value is null ? key : $"{key} (it is {value})");
            return 0;
        }

        if (architecture is null) missing.Add(GgufKeys.Architecture);
        var blocks = Require(info.BlockCount, Key(GgufKeys.BlockCount));
        var embedding = Require(info.EmbeddingLength, Key(GgufKeys.EmbeddingLength));
        var heads = Require(info.HeadCount, Key(GgufKeys.HeadCount));
        var vocab = Require(info.VocabSize, $"{GgufKeys.TokenizerTokens} or {Key(GgufKeys.VocabSize)}");
        if (missing.Count > 0)
        {
            var keys = missing.Count == 1 ? missing[0] : string.Join(", ", missing[..^1]) + " and " + missing[^1];
            throw new FitEstimateException(
                $"cannot estimate the GPU memory of {info.Name ?? "the model"} ({architecture ?? "unknown architecture"}): the GGUF header lacks {keys}",
                [.. missing]);
        }

        // Without grouped-query attention every head has its own K and V.
        var kvHeads = info.HeadCountKv is { } kv and > 0 ? kv : heads;
        var headDimension = embedding / heads;
        var kEmbedding = kvHeads * (keyLength is { } k and > 0 ? k : headDimension);
        var vEmbedding = kvHeads * (valueLength is { } v and > 0 ? v : headDimension);

        try
        {
            checked
            {
                var cacheTokens = (long)slots * RoundUp(ctxPerSlot, KvPaddingTokens);
                var kvBytes = blocks * cacheTokens * (kEmbedding + vEmbedding) * KvElementBytes;
                var estimate = new FitEstimate(info.TensorBytes, kvBytes, ComputeBytes(embedding, heads, vocab, cacheTokens), OverheadBytes)
                {
                    ContextPerSlot = ctxPerSlot,
                    Slots = slots,
                    KvBytesPerToken = blocks * (kEmbedding + vEmbedding) * KvElementBytes,
                };
                // Total is checked as well; reading it here keeps its overflow inside this catch.
                _ = estimate.Total;
                return estimate;
            }
        }
        catch (OverflowException)
        {
            // Only a corrupt or crafted header gets here: no real model needs 2^63 bytes.
            string[] sizes = [Key(GgufKeys.BlockCount), Key(GgufKeys.EmbeddingLength), Key(GgufKeys.HeadCount), Key(GgufKeys.HeadCountKv)];
            throw new FitEstimateException(
                $"cannot estimate the GPU memory of {info.Name ?? "the model"} ({architecture}): its sizes ({string.Join(", ", sizes)}) " +
                $"with {slots} slots × {ctxPerSlot} tokens overflow 64 bits",
                sizes);
        }
    }

    /// <summary>
    /// llama.cpp's graph allocator reserves, once, what the worst-case graph needs at its peak: a full micro-batch with
    /// logits for every token and attention over the whole cache. The peak is taken as the larger of two moments, all
    /// in f32 and times the micro-batch:
    /// <list type="bullet">
    /// <item>the output: the logits of every token beside its hidden state, vocab + embd per token;</item>
    /// <item>attention: the scores of every head against every cache cell, ctx × heads per token, with the softmax row
    /// and a few hidden-size activations (Q, K, V, the residual) live beside them, 1 + 4·embd + ctx per token.</item>
    /// </list>
    /// The scores assume attention without flash attention, which materialises them; with flash attention (llama.cpp's
    /// default where the card supports it) the real buffer is smaller, so this errs high. They also assume one cache
    /// for all slots, as llama.cpp's unified cache has; per-slot streams attend over less. For a Llama-2-7B shape at
    /// 4096 tokens this gives 296.0 MiB, exactly the compute buffer llama.cpp logs for that model without flash attention.
    /// </summary>
    internal static long ComputeBytes(long embedding, long heads, long vocab, long cacheTokens) => checked(
        ActivationBytes * MicroBatchTokens * Math.Max(
            vocab + embedding,
            1 + 4 * embedding + cacheTokens * (1 + heads)));

    private static long RoundUp(long value, long multiple) => (value + multiple - 1) / multiple * multiple;
}

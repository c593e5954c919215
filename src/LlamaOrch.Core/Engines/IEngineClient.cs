namespace LlamaOrch.Core.Engines;

/// <summary>
/// One replica's engine, spoken to over the llama.cpp server protocol (or anything that maps to it).
/// Disposing the enumeration, or cancelling it, must abort the engine request and free its slot.
/// </summary>
public interface IEngineClient
{
    IAsyncEnumerable<EngineChunk> StreamCompletionAsync(EngineCompletionRequest request, CancellationToken cancellationToken);

    /// <summary>One pooled vector per input, in order (llama.cpp's <c>POST /embedding</c>).</summary>
    Task<IReadOnlyList<EngineEmbedding>> EmbedAsync(IReadOnlyList<string> inputs, string correlationId, CancellationToken cancellationToken);

    /// <summary>
    /// The relevance of each document to <paramref name="query"/>, in the documents' order (llama.cpp's <c>POST /rerank</c>
    /// on an engine started with <c>--reranking</c>).
    /// </summary>
    Task<IReadOnlyList<EngineScore>> RerankAsync(string query, IReadOnlyList<string> documents, string correlationId, CancellationToken cancellationToken);

    /// <summary>How many tokens the model makes of <paramref name="text"/> (llama.cpp's <c>POST /tokenize</c>).</summary>
    Task<int> CountTokensAsync(string text, CancellationToken cancellationToken);

    /// <summary>Empties slot <paramref name="slot"/>'s KV cache (llama.cpp's <c>POST /slots/{id}?action=erase</c>); the tokens it held.</summary>
    Task<int> EraseSlotAsync(int slot, CancellationToken cancellationToken);

    /// <summary>The engine's own series in the Prometheus text format (llama.cpp's <c>GET /metrics</c>), unparsed.</summary>
    Task<string> GetMetricsTextAsync(CancellationToken cancellationToken);
}

public sealed record EngineEmbedding(float[] Vector, int Tokens);

/// <summary>One document's relevance score; <see cref="Tokens"/> is 0 when the engine does not report it (llama-server).</summary>
public sealed record EngineScore(float Score, int Tokens);

/// <param name="MaxTokens">Tokens to generate at most, or <see cref="UntilContextFull"/>.</param>
/// <param name="Slot">The engine slot to run in (llama.cpp's <c>id_slot</c>), or <see cref="AnySlot"/>.</param>
/// <param name="ReuseCachedPrefix">Skip the part of the prompt the slot's cache holds (llama.cpp's <c>cache_prompt</c>).</param>
/// <param name="Stop">Strings that end generation, left out of the output (llama.cpp's <c>stop</c>).</param>
/// <param name="Grammar">GBNF that constrains sampling (llama.cpp's <c>grammar</c>).</param>
public sealed record EngineCompletionRequest(
    string? Prompt,
    int MaxTokens,
    long Seed,
    SamplingProfile Sampling,
    bool Strict,
    string CorrelationId,
    int Slot = EngineCompletionRequest.AnySlot,
    bool ReuseCachedPrefix = true,
    IReadOnlyList<string>? Stop = null,
    string? Grammar = null)
{
    public const int AnySlot = -1;

    /// <summary>llama.cpp's n_predict -1: generate until end of sequence or until the slot's context is full.</summary>
    public const int UntilContextFull = -1;
}

/// <summary>A piece of generated text, or (when <see cref="Final"/> is set) the engine's closing counts.</summary>
/// <param name="PromptTokens">The prompt's tokens where a frame before the final one says (llama.cpp's token frames do), so
/// that a run cut short (canceled, past its deadline) still reports and is charged the prompt it had evaluated.</param>
public readonly record struct EngineChunk(string Text, EngineFinal? Final, int? PromptTokens = null);

/// <param name="TokensIn">The prompt's tokens, cached or evaluated.</param>
/// <param name="PromptTokensCached">Of those, the ones the engine reused from its KV cache; null when the engine does not say.</param>
/// <param name="StopWord">The stop string that ended generation (llama-server's <c>stopping_word</c>); null unless <paramref name="StopType"/> is <c>stop_word</c>.</param>
public sealed record EngineFinal(int TokensIn, int TokensOut, string StopType, double DecodeMs, int? PromptTokensCached = null, string? StopWord = null)
{
    /// <summary>The share of the prompt served from the KV cache, 0..1; null when unknown or there was no prompt.</summary>
    public double? KvWarmth => PromptTokensCached is { } cached && TokensIn > 0 ? Math.Clamp((double)cached / TokensIn, 0, 1) : null;
}

/// <summary>What a replica reports about itself once it is healthy.</summary>
public sealed record EngineFacts(string EngineVersion, int CtxPerSlot, int TotalSlots)
{
    /// <summary>Bytes of KV cache one token takes, from the model's shape (f16 K and V); 0 when unknown or there is no cache.</summary>
    public long KvBytesPerToken { get; init; }

    /// <summary>
    /// The engine decodes the sequences it runs of a kind in one batch and cannot keep one apart (llama-server, vLLM,
    /// TGI; llorch-engine keeps strict sequences apart, <c>llorch_strict</c>, and evaluates embeddings one at a time), so
    /// a task whose numbers must not depend on others runs there with no other task of its kind (<c>BatchIsolation</c>).
    /// </summary>
    public bool BatchesSequencesTogether { get; init; }
}

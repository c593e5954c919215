namespace LlamaOrch.EngineProtocol.Wire;

/// <summary>The <c>timings</c> of the last <see cref="CompletionChunk"/>.</summary>
internal sealed record CompletionTimings
{
    /// <summary>Prompt tokens reused from the slot's KV cache (llama-server's <c>cache_n</c>); null from servers that do not report it.</summary>
    public int? CacheN { get; init; }

    public double? PromptMs { get; init; }

    /// <summary>Prompt tokens evaluated this time: the prompt less what the slot's cache already held.</summary>
    public int? PromptN { get; init; }
    public double? PredictedMs { get; init; }
}

namespace LlamaOrch.EngineProtocol.Wire;

/// <summary>The <c>timings</c> of the last <see cref="CompletionChunk"/>.</summary>
internal sealed record CompletionTimings
{
    public double? PromptMs { get; init; }

    /// <summary>Prompt tokens evaluated this time: the prompt less what the slot's cache already held.</summary>
    public int? PromptN { get; init; }
    public double? PredictedMs { get; init; }
}

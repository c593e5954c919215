namespace LlamaOrch.EngineProtocol.Wire;

/// <summary>The <c>timings</c> of the last <see cref="CompletionChunk"/>.</summary>
internal sealed record CompletionTimings
{
    public double? PromptMs { get; init; }
    public double? PredictedMs { get; init; }
}

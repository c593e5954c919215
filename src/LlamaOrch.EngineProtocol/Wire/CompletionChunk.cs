namespace LlamaOrch.EngineProtocol.Wire;

/// <summary>
/// One SSE <c>data:</c> frame of a streamed <c>/completion</c>; the last one has <c>stop: true</c>. llorch-engine
/// writes these frames field by field (its hot path); the orchestrator reads them into this record.
/// </summary>
internal sealed record CompletionChunk
{
    public string? Content { get; init; }
    public bool Stop { get; init; }
    public int? TokensPredicted { get; init; }
    public int? TokensEvaluated { get; init; }
    public string? StopType { get; init; }

    /// <summary>The stop string that ended generation when <see cref="StopType"/> is <c>word</c>; empty otherwise.</summary>
    public string? StoppingWord { get; init; }
    public CompletionTimings? Timings { get; init; }
    public ErrorBody? Error { get; init; }
}

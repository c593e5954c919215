namespace LlamaOrch.Contracts.Artifacts;

/// <summary>
/// The optional body of <c>POST /v1/artifacts/{id}/replay</c>: what the new task may change of the transcript's
/// task. Everything else (prompt, parameters, seed, sampler profile, determinism) is the transcript's.
/// </summary>
public sealed record ReplayRequest
{
    /// <summary>The new task's session; a new one when left out.</summary>
    public string? SessionId { get; init; }

    public string? Priority { get; init; }
}

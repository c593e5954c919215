using System.Text.Json;

namespace LlamaOrch.Contracts.Artifacts;

/// <summary><c>POST /v1/artifacts</c>: an artifact to store (docs/artifacts.md).</summary>
/// <param name="Kind">plan, summary, diff, trace, transcript, logs or other.</param>
/// <param name="Content">Any JSON object.</param>
/// <param name="Parent">The id of a stored artifact this one derives from.</param>
/// <param name="Metadata">Any JSON object; part of the id like everything else here.</param>
/// <param name="SessionId">A uuid, as a task's <c>session_id</c>, so a listing can pick one session's artifacts.</param>
public sealed record ArtifactRequest
{
    public string? Kind { get; init; }
    public JsonElement? Content { get; init; }
    public List<string>? Tags { get; init; }
    public string? Parent { get; init; }
    public JsonElement? Metadata { get; init; }
    public string? SessionId { get; init; }
}

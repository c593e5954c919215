using System.Text.Json;

namespace LlamaOrch.Contracts.Artifacts;

/// <summary><c>GET /v1/artifacts/{id}</c>: the artifact with its content and metadata as stored.</summary>
public sealed record ArtifactResponse(
    string Id, string Kind, string Digest, long CreatedMs, IReadOnlyList<string> Tags, string? Parent, string? SessionId, long SizeBytes,
    JsonElement Content, JsonElement Metadata);

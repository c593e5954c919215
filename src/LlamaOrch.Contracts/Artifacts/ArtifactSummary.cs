namespace LlamaOrch.Contracts.Artifacts;

/// <summary>An artifact without its content: the answer to a POST, an entry of a listing or of a lineage.</summary>
/// <param name="Digest">The SHA-256 of the stored canonical form, the same value as the id.</param>
/// <param name="Tags">Sorted by UTF-16 code units, without duplicates.</param>
/// <param name="SizeBytes">Length of the canonical form.</param>
public sealed record ArtifactSummary(
    string Id, string Kind, string Digest, long CreatedMs, IReadOnlyList<string> Tags, string? Parent, string? SessionId, long SizeBytes);

/// <summary><c>GET /v1/artifacts</c>: one page, oldest first.</summary>
/// <param name="NextCursor">Pass as <c>cursor</c> for the next page; null on the last page. Opaque.</param>
public sealed record ArtifactListResponse(IReadOnlyList<ArtifactSummary> Artifacts, string? NextCursor);

/// <summary><c>GET /v1/artifacts/{id}/lineage</c>: the artifact, its parent, and so on to the root.</summary>
/// <param name="Truncated">True when the chain is longer than the depth served.</param>
public sealed record ArtifactLineageResponse(string Id, IReadOnlyList<ArtifactSummary> Chain, bool Truncated);

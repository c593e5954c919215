namespace LlamaOrch.Core.Artifacts;

/// <summary>One artifact's index row: everything about it but its content and metadata, which its file holds.</summary>
/// <param name="Seq">Its place in the order artifacts were stored; list pages are cut by it.</param>
public sealed record ArtifactRecord(
    long Seq, string Id, string Kind, IReadOnlyList<string> Tags, string? Parent, string? Session, long CreatedMs, long SizeBytes);

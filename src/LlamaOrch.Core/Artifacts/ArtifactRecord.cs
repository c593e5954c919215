namespace LlamaOrch.Core.Artifacts;

/// <summary>One artifact's index row: everything about it but its content and metadata, which its file holds.</summary>
/// <param name="Seq">Its place in the order artifacts were stored; list pages are cut by it.</param>
public sealed record ArtifactRecord(
    long Seq, string Id, string Kind, IReadOnlyList<string> Tags, string? Parent, string? Session, long CreatedMs, long SizeBytes);

/// <summary>A page of a listing; <paramref name="NextAfter"/> is the <see cref="ArtifactRecord.Seq"/> the next page starts after, null on the last page.</summary>
public sealed record ArtifactPage(IReadOnlyList<ArtifactRecord> Artifacts, long? NextAfter);

/// <summary>What a listing asks for: each filter null for any.</summary>
public sealed record ArtifactQuery(string? Kind, string? Tag, string? Session, long? After, int Limit);

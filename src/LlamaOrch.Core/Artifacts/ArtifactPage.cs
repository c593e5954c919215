namespace LlamaOrch.Core.Artifacts;

/// <summary>A page of a listing; <paramref name="NextAfter"/> is the <see cref="ArtifactRecord.Seq"/> the next page starts after, null on the last page.</summary>
public sealed record ArtifactPage(IReadOnlyList<ArtifactRecord> Artifacts, long? NextAfter);

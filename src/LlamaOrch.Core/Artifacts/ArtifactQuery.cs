namespace LlamaOrch.Core.Artifacts;

/// <summary>What a listing asks for: each filter null for any.</summary>
public sealed record ArtifactQuery(string? Kind, string? Tag, string? Session, long? After, int Limit);

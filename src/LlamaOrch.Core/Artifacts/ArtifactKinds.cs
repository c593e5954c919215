namespace LlamaOrch.Core.Artifacts;

/// <summary>The kinds contract-notes.md lists; any other is refused.</summary>
public static class ArtifactKinds
{
    public static readonly IReadOnlyList<string> All = ["plan", "summary", "diff", "trace", "transcript", "logs", "other"];

    public static bool IsKnown(string? kind) => kind is not null && All.Contains(kind, StringComparer.Ordinal);
}

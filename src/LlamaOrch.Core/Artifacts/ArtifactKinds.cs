namespace LlamaOrch.Core.Artifacts;

/// <summary>The kinds contract-notes.md lists; any other is refused.</summary>
public static class ArtifactKinds
{
    /// <summary>A task's transcript, written by orchestratord itself when the task asked for it; the kind a replay reads.</summary>
    public const string Transcript = "transcript";

    public static readonly IReadOnlyList<string> All = ["plan", "summary", "diff", "trace", "transcript", "logs", "other"];

    public static bool IsKnown(string? kind) => kind is not null && All.Contains(kind, StringComparer.Ordinal);
}

namespace LlamaOrch.Core.Placement;

/// <summary>
/// The one order of places to run a task, used by admission to pick a pool and by each pool's dispatcher to
/// pick a replica: session affinity, room, least load, most free VRAM, fastest measured decode, then id so
/// that equal places always rank the same way. Pure: it reads only the two candidates.
/// </summary>
internal static class PlacementRanking
{
    /// <summary>How the rules read in placement's debug log.</summary>
    public const string Rules = "affinity > room > least load > most free VRAM > fastest > id";

    /// <summary>Negative when <paramref name="a"/> is the better place, positive when <paramref name="b"/> is.</summary>
    public static int Compare(in PlacementCandidate a, in PlacementCandidate b)
    {
        if (a.Affine != b.Affine) return a.Affine ? -1 : 1;
        if (a.HasRoom != b.HasRoom) return a.HasRoom ? -1 : 1;
        if (a.Load != b.Load) return a.Load < b.Load ? -1 : 1;
        var bytes = (b.AvailableBytes ?? -1).CompareTo(a.AvailableBytes ?? -1);
        if (bytes != 0) return bytes;
        var speed = (b.TokensPerSecond ?? 0).CompareTo(a.TokensPerSecond ?? 0);
        if (speed != 0) return speed;
        return string.CompareOrdinal(a.Id, b.Id);
    }
}

namespace LlamaOrch.EngineHost.Simulation;

/// <summary>
/// FNV-1a over UTF-16 code units. <see cref="string.GetHashCode()"/> is randomised per process, and sim
/// transcripts must be the same in every process and on every machine.
/// </summary>
internal static class StableHash
{
    private const ulong OffsetBasis = 14695981039346656037UL;
    private const ulong Prime = 1099511628211UL;

    public static ulong Fnv1a64(ReadOnlySpan<char> text)
    {
        var hash = OffsetBasis;
        foreach (var c in text)
        {
            hash = (hash ^ (byte)c) * Prime;
            hash = (hash ^ (byte)(c >> 8)) * Prime;
        }

        return hash;
    }
}

namespace LlamaOrch.EngineHost.Simulation;

/// <summary>
/// SplitMix64: a tiny, fast generator whose sequence is fixed by its algorithm. <see cref="Random"/> is not
/// guaranteed to produce the same numbers across .NET versions, and transcripts must not drift with the runtime.
/// </summary>
internal struct SplitMix64(ulong state)
{
    private ulong _state = state;

    public ulong Next()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}

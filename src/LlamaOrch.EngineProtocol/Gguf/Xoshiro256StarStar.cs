using System.Numerics;

namespace LlamaOrch.EngineProtocol.Gguf;

/// <summary>
/// xoshiro256** seeded through SplitMix64. Our own rather than <see cref="Random"/>, whose seeded sequence is an
/// implementation detail of the runtime: a generated model must be the same bytes for the same seed on any .NET.
/// </summary>
internal sealed class Xoshiro256StarStar
{
    private ulong _s0, _s1, _s2, _s3;

    public Xoshiro256StarStar(ulong seed)
    {
        var x = seed;
        _s0 = SplitMix64(ref x);
        _s1 = SplitMix64(ref x);
        _s2 = SplitMix64(ref x);
        _s3 = SplitMix64(ref x);
    }

    public ulong NextUInt64()
    {
        var result = BitOperations.RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = BitOperations.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Mixes two numbers into a well-spread seed: one stream per (model seed, tensor) pair.</summary>
    public static ulong Mix(ulong a, ulong b)
    {
        var x = a ^ (b * 0x9E3779B97F4A7C15UL);
        return SplitMix64(ref x);
    }

    private static ulong SplitMix64(ref ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        var z = x;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}

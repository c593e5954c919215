namespace LlamaOrch.Core.Chat.Jinja;

/// <summary>
/// Bounds on one render. A template comes from a model file, so it is untrusted input: these keep a hostile one
/// (endless loops over <c>range</c>, exponential string or list growth, runaway macro recursion) from taking the
/// server's CPU or memory. Published chat templates stay far below them.
/// </summary>
public sealed record JinjaLimits
{
    public static JinjaLimits Default { get; } = new();

    /// <summary>Characters of output, and of any one string or list built on the way.</summary>
    public int MaxOutputChars { get; init; } = 4 * 1024 * 1024;

    /// <summary>Loop iterations over the whole render (all loops, and items that filters and <c>range</c> make).</summary>
    public long MaxIterations { get; init; } = 1_000_000;

    /// <summary>Macro calls nested inside each other.</summary>
    public int MaxCallDepth { get; init; } = 64;
}

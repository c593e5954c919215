namespace LlamaOrch.Bench.Load;

internal static class Percentiles
{
    /// <summary>Nearest-rank percentile of sorted samples; NaN for none.</summary>
    public static double Of(IReadOnlyList<double> sorted, double percentile)
    {
        if (sorted.Count == 0) return double.NaN;
        var rank = (int)Math.Ceiling(percentile / 100.0 * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }
}

using System.Globalization;
using LlamaOrch.Bench.Load;
using LlamaOrch.Bench.Scenarios;

namespace LlamaOrch.Bench.Report;

/// <summary>The prediction run's table: per target depth, the actual start and the error of <c>predicted_start_ms</c> against it.</summary>
internal static class PredictionTable
{
    /// <summary>The target: the median error within 20 % of the actual start.</summary>
    public const double TargetMedianRelativeError = 0.20;

    public static void Print(TextWriter output, BenchOptions options, int slots, IReadOnlyList<PredictionResult> results)
    {
        output.WriteLine();
        output.WriteLine($"Prediction: pool of {slots} slots at {options.StreamModel}, max_tokens {options.MaxTokens}; closed loop of slots + depth clients");
        output.WriteLine("error = |predicted_start_ms (202) - queued_ms (started)|; relative to the actual start (queued_ms, at least 1 ms)");
        output.WriteLine("depth clients  tasks  queued p50  pos p50    abs err p50  abs err p90   rel err p50  rel err p90  errors");
        foreach (var result in results)
        {
            var samples = result.Samples;
            var queued = Sorted(samples.Select(s => (double)s.QueuedMs));
            var positions = Sorted(samples.Select(s => (double)s.AdmittedPosition));
            var absolute = Sorted(samples.Select(s => s.AbsoluteErrorMs));
            var relative = Sorted(samples.Select(s => s.RelativeError));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{result.TargetDepth,5} {result.Clients,7} {samples.Count,6} {Format.Ms(Percentiles.Of(queued, 50)),11} {Format.Count(Percentiles.Of(positions, 50)),8} {Format.Ms(Percentiles.Of(absolute, 50)),14} {Format.Ms(Percentiles.Of(absolute, 90)),12} {Pct(Percentiles.Of(relative, 50)),13} {Pct(Percentiles.Of(relative, 90)),12} {result.Errors,7}"));
            if (result.FirstError is { } error) output.WriteLine($"      first error: {error}");
        }
        output.WriteLine();
        output.WriteLine("Target (depths above 0, where a start is a wait to predict; never a failure)");
        foreach (var result in results.Where(r => r.TargetDepth > 0))
        {
            var median = Percentiles.Of(Sorted(result.Samples.Select(s => s.RelativeError)), 50);
            var verdict = median <= TargetMedianRelativeError ? "PASS" : "MISS";
            output.WriteLine($"  {verdict}  depth {result.TargetDepth}: median error within 20% of the actual start   {Pct(median)}");
        }
    }

    private static List<double> Sorted(IEnumerable<double> values)
    {
        var list = values.ToList();
        list.Sort();
        return list;
    }

    private static string Pct(double fraction) =>
        double.IsNaN(fraction) ? "-" : (fraction * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%";
}

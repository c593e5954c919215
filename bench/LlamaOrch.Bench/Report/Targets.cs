using System.Globalization;
using LlamaOrch.Bench.Scenarios;

namespace LlamaOrch.Bench.Report;

/// <summary>The targets the orchestrator is held to (bench/README.md says why these).</summary>
internal static class Targets
{
    public const double MaxAddedTtftP50Ms = 1.0;
    public const int AddedTtftStreams = 64;
    public const double MinRelayRatio = 0.5;
    public const int RelayRatioStreams = 256;
    public const double MinRejectionsPerSecond = 10_000;

    /// <summary>Issue 17's added TTFT p50 goals by stream count (over the engine alone); null at other counts.</summary>
    public static double? AddedTtftGoalMs(int streams) => streams switch
    {
        1 => 0.3,
        64 => 1.0,
        256 => 5.0,
        _ => null,
    };

    public static IReadOnlyList<TargetCheck> Evaluate(IReadOnlyList<StreamingResult> streaming, FloodResult? flood)
    {
        var checks = new List<TargetCheck>();

        var ttftLevel = streaming.FirstOrDefault(r => r.Streams == AddedTtftStreams);
        checks.Add(new TargetCheck(
            $"added TTFT p50 at {AddedTtftStreams} streams < {MaxAddedTtftP50Ms:0} ms",
            ttftLevel is null ? "level not run" : $"{Format.SignedMs(ttftLevel.AddedTtftP50Ms)}",
            ttftLevel is null || double.IsNaN(ttftLevel.AddedTtftP50Ms) ? null : ttftLevel.AddedTtftP50Ms < MaxAddedTtftP50Ms));

        var relayLevel = streaming.FirstOrDefault(r => r.Streams == RelayRatioStreams);
        checks.Add(new TargetCheck(
            $"relayed tok/s at {RelayRatioStreams} streams >= {MinRelayRatio:0.0}x engine alone",
            relayLevel is null ? "level not run" : $"{relayLevel.RelayRatio.ToString("0.00", CultureInfo.InvariantCulture)}x",
            relayLevel is null || double.IsNaN(relayLevel.RelayRatio) ? null : relayLevel.RelayRatio >= MinRelayRatio));

        checks.Add(new TargetCheck(
            $"429 answers/s with a full queue >= {Format.Count(MinRejectionsPerSecond)}",
            flood is null ? "not run" : $"{Format.Count(flood.RejectedPerSecond)}/s",
            flood is null ? null : flood.RejectedPerSecond >= MinRejectionsPerSecond));

        checks.Add(new TargetCheck(
            "every 429 carries Retry-After",
            flood is null ? "not run" : $"{Format.Count(flood.Rejected - flood.MissingRetryAfter)} of {Format.Count(flood.Rejected)}",
            flood is null || flood.Rejected == 0 ? null : flood.MissingRetryAfter == 0));
        return checks;
    }
}

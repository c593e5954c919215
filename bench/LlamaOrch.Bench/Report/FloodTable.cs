using System.Globalization;
using LlamaOrch.Bench.Scenarios;

namespace LlamaOrch.Bench.Report;

/// <summary>
/// The table of <c>--only flood</c>: orchestratord's full-queue flood beside llorch-bare's in the same run, with the
/// server CPU each 429 cost (the server's CPU share over the window ÷ its 429s per second).
/// </summary>
internal static class FloodTable
{
    public static void Print(TextWriter output, FloodResult orch, FloodResult bare)
    {
        output.WriteLine();
        output.WriteLine($"Queue full: pool of 1 slot at sim:slow?tps=1, queue capacity 8 (reject); {orch.Clients} clients posting tasks for {orch.Seconds:0.#} s, then the same at llorch-bare's fixed 429");
        output.WriteLine($"  unmeasured warm-up of each: orch {orch.Warmup}, bare {bare.Warmup}");
        output.WriteLine($"{"server",6} {"429/s",8} {"p50",9} {"p99",9} {"server cpu",10} {"us/429",7} {"bench",6} {"other",6}  {"Retry-After",-12} other answers");
        Row(output, "orch", orch);
        Row(output, "bare", bare);
        output.WriteLine($"  429 answers/s: orch {(orch.RejectedPerSecond / bare.RejectedPerSecond).ToString("0.00", CultureInfo.InvariantCulture)}x of bare (target >= 0.5x); " +
                         $"p50 {(orch.LatencyP50Ms / bare.LatencyP50Ms).ToString("0.00", CultureInfo.InvariantCulture)}x of bare");
    }

    private static void Row(TextWriter output, string name, FloodResult flood)
    {
        var server = flood.Cpu[0].Percent;
        var bench = flood.Cpu.FirstOrDefault(c => c.Name == "bench").Percent;
        var other = flood.Cpu.FirstOrDefault(c => c.Name == "other").Percent;
        // Percent of one core ÷ answers per second = core-seconds per answer; ×10,000 gives microseconds.
        var usPer429 = flood.RejectedPerSecond > 0 ? server * 10_000 / flood.RejectedPerSecond : double.NaN;
        var retryAfter = flood.MissingRetryAfter == 0 ? "every 429" : $"MISSING {Format.Count(flood.MissingRetryAfter)}";
        var others = flood.OtherStatuses.Count == 0 && flood.Accepted == 0 && flood.Errors == 0
            ? "none"
            : $"{flood.Accepted} admitted, {string.Join(", ", flood.OtherStatuses.Select(s => $"{s.Value} x {s.Key}"))}, {flood.Errors} errors {flood.FirstError}";
        output.WriteLine($"{name,6} {Format.Count(flood.RejectedPerSecond),8} {Format.Ms(flood.LatencyP50Ms),9} {Format.Ms(flood.LatencyP99Ms),9} {Format.Percent(server),10} " +
                         $"{usPer429.ToString("0.0", CultureInfo.InvariantCulture),7} {Format.Percent(bench),6} {Format.Percent(other),6}  {retryAfter,-12} {others}");
    }
}

using System.Globalization;
using LlamaOrch.Bench.Load;
using LlamaOrch.Bench.Scenarios;

namespace LlamaOrch.Bench.Report;

/// <summary>Prints the results as plain text, laid out to be pasted into bench/README.md as it is.</summary>
internal static class ResultsTable
{
    public static void Print(TextWriter output, BenchOptions options, (double Engine, double Orch) roundTripMs, MemoryResult? memory, IReadOnlyList<StreamingResult> streaming,
        FloodResult? flood, IReadOnlyList<TargetCheck> checks)
    {
        output.WriteLine();
        output.WriteLine($"Streaming: {options.StreamModel}, max_tokens {options.MaxTokens}, {options.Slots} slots; direct = llorch-engine alone, orch = through orchestratord");
        output.WriteLine($"HTTP round trip floor, idle (sequential GET /health p50): engine {Format.Ms(roundTripMs.Engine)}, orchestratord {Format.Ms(roundTripMs.Orch)}");
        output.WriteLine($"{"streams",7} {"path",-6} {"tasks/s",8} {"adm/s",8} {"TTFT p50",9} {"TTFT p99",9} {"tok/s",9} {"cpu orch",8} {"engine",7} {"bench",6} {"other",6} {"errors",6}");
        foreach (var level in streaming)
        {
            Row(output, level.Direct, admissions: false);
            Row(output, level.Orch, admissions: true);
            output.WriteLine($"{"",7} overhead: TTFT {Format.SignedMs(level.AddedTtftP50Ms)} p50 (POST->202 alone {Format.Ms(level.Orch.AdmitP50Ms)}), " +
                             $"{Format.SignedMs(level.AddedTtftP99Ms)} p99; relayed {level.RelayRatio.ToString("0.00", CultureInfo.InvariantCulture)}x the engine-alone tok/s");
        }
        foreach (var level in streaming.SelectMany(l => new[] { l.Direct, l.Orch }).Where(l => l.Errors > 0 || l.WrongTokenCounts > 0))
            output.WriteLine($"  note: {level.Streams} streams {level.Path}: {level.Errors} errors, {level.WrongTokenCounts} streams with a token count other than max_tokens; first error: {level.FirstError}");

        if (flood is not null)
        {
            output.WriteLine();
            output.WriteLine($"Queue full: pool of 1 slot at sim:slow?tps=1, queue capacity 8 (reject); {flood.Clients} clients posting tasks for {flood.Seconds:0.#} s after a warm-up of {flood.Warmup}");
            output.WriteLine($"  429 answers/s      {Format.Count(flood.RejectedPerSecond)}  ({Format.Count(flood.Rejected)} answers; latency p50 {Format.Ms(flood.LatencyP50Ms)}, p99 {Format.Ms(flood.LatencyP99Ms)})");
            output.WriteLine($"  Retry-After        {(flood.MissingRetryAfter == 0 ? "on every 429" : $"MISSING on {Format.Count(flood.MissingRetryAfter)}")} (e.g. \"{flood.RetryAfterSample}\")");
            var others = flood.OtherStatuses.Count == 0 && flood.Accepted == 0 && flood.Errors == 0
                ? "none"
                : $"{flood.Accepted} admitted, {string.Join(", ", flood.OtherStatuses.Select(s => $"{s.Value} x {s.Key}"))}, {flood.Errors} errors {flood.FirstError}";
            output.WriteLine($"  other answers      {others}");
            output.WriteLine($"  cpu                {string.Join(", ", flood.Cpu.Select(c => $"{c.Name} {Format.Percent(c.Percent)}"))}");
        }

        output.WriteLine();
        output.WriteLine("orchestratord memory (VmRSS; heap = live managed bytes after a full GC, with --gcdump)");
        if (memory is not null)
        {
            output.WriteLine($"  {"idle",-18} {Format.MiB(memory.IdleBytes)} ({memory.IdleThreads} threads){HeapOf(memory.IdleHeap)}");
            output.WriteLine($"  {Format.Count(memory.QueuedTasks) + " queued",-18} {Format.MiB(memory.QueuedBytes)}{HeapOf(memory.QueuedHeap)} (one session)");
            var queued = new Scenarios.MemoryReading(memory.QueuedBytes, memory.QueuedHeap);
            output.WriteLine($"  {"per queued task",-18} {Per(new(memory.IdleBytes, memory.IdleHeap), queued, memory.QueuedTasks)} (all in one session)");
            output.WriteLine($"  {"  own sessions",-18} {Per(memory.BeforeOwnSessions, memory.WithOwnSessions, memory.QueuedTasks)} (each task in a session of its own)");
            output.WriteLine($"  {"  per session",-18} {PerDifference(memory.BeforeOwnSessions, memory.WithOwnSessions, new(memory.IdleBytes, memory.IdleHeap), queued, memory.QueuedTasks)} (the difference)");
            if (memory.LiveStreams > 0)
                output.WriteLine($"  {"per live stream",-18} {Per(memory.BeforeLive, memory.WithLive, memory.LiveStreams)} ({memory.LiveStreams} streams past their first token, slow engine)");
            if (memory.RetainedTasks > 0)
            {
                output.WriteLine($"  {"per retained task",-18} {Per(memory.BeforeRetained, memory.WithRetained, memory.RetainedTasks)} ({Format.Count(memory.RetainedTasks)} finished tasks, streams read to the end)");
                if (memory.RetainedFrames > 0)
                    output.WriteLine($"  {"per retained frame",-18} {Per(memory.BeforeRetained, memory.WithRetained, memory.RetainedFrames, bytes: true)} ({Format.Count(memory.RetainedFrames)} frames)");
            }
        }
        if (streaming.Count > 0 && streaming[^1].Orch.MaxRssBytes is { } streamingRss)
            output.WriteLine($"  {streaming[^1].Streams + " live streams",-18} {Format.MiB(streamingRss)} (largest sample in that window; up to {streaming[^1].Orch.MaxThreads} threads)");

        output.WriteLine();
        output.WriteLine("Targets");
        foreach (var check in checks)
            output.WriteLine($"  {check.Verdict}  {check.Target,-52} {check.Measured}");
    }

    private static void Row(TextWriter output, LevelResult level, bool admissions)
    {
        var cpu = level.Cpu.ToDictionary(c => c.Name, c => c.Percent);
        output.WriteLine(
            $"{level.Streams,7} {level.Path,-6} {Format.Rate(level.TasksPerSecond),8} {(admissions ? Format.Rate(level.AdmissionsPerSecond) : "-"),8} " +
            $"{Format.Ms(level.TtftP50Ms),9} {Format.Ms(level.TtftP99Ms),9} {Format.Count(level.TokensPerSecond),9} " +
            $"{Format.Percent(cpu.GetValueOrDefault("orch")),8} {Format.Percent(cpu.GetValueOrDefault("engine")),7} {Format.Percent(cpu.GetValueOrDefault("bench")),6} {Format.Percent(cpu.GetValueOrDefault("other")),6} {level.Errors,6}");
    }

    private static string HeapOf(long? heap) => heap is { } bytes ? $", heap {Format.MiB(bytes)}" : "";

    /// <summary>
    /// How much more one reading's growth of the live heap is than another's, per item. Heap only: the second reading's
    /// RSS reuses what the first one grew, so a difference of RSS growths says nothing (it even reads negative).
    /// </summary>
    private static string PerDifference(Scenarios.MemoryReading before, Scenarios.MemoryReading with, Scenarios.MemoryReading baseBefore, Scenarios.MemoryReading baseWith, long items) =>
        before.Heap is { } from && with.Heap is { } to && baseBefore.Heap is { } baseFrom && baseWith.Heap is { } baseTo
            ? $"heap {(to - from - (baseTo - baseFrom)) / (double)items:0} B"
            : "heap: n/a without --gcdump";

    /// <summary>The growth from one reading to the next, per item: RSS and, where both readings have it, the live heap.</summary>
    private static string Per(Scenarios.MemoryReading before, Scenarios.MemoryReading with, long items, bool bytes = false)
    {
        string Size(double value) => bytes ? $"{value:0} B" : $"{value / 1024:0.00} KB";
        var rss = $"RSS {Size((with.Rss - before.Rss) / (double)items)}";
        return before.Heap is { } from && with.Heap is { } to ? $"{rss}, heap {Size((to - from) / (double)items)}" : $"{rss} (heap: n/a without --gcdump)";
    }
}

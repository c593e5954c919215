using System.Diagnostics;
using LlamaOrch.Bench.Processes;

namespace LlamaOrch.Bench.Load;

/// <summary>
/// Unmeasured load before a path's first window: <see cref="First"/> of it, then a second at a time until the tiered
/// JIT of every process in the run (servers, engines, the bench's own client) used less than <see cref="QuietPercent"/>
/// of a core during one, or <see cref="Limit"/> has passed. A fixed warm-up left the JIT of a fresh orchestratord
/// running through the flood's window (<see cref="TieredJit"/>).
/// </summary>
internal static class JitWarmup
{
    public static readonly TimeSpan First = TimeSpan.FromSeconds(3);

    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    private const double QuietPercent = 2;

    private static readonly TimeSpan Step = TimeSpan.FromSeconds(1);

    /// <summary>Streams at <paramref name="target"/> (<paramref name="streams"/> at once) until the JIT of every process <paramref name="cpu"/> measures is quiet.</summary>
    public static Task<JitWarmupResult> StreamsAsync(IStreamTarget target, int streams, int maxTokens, CpuMeter cpu, CancellationToken cancellationToken) =>
        RunAsync(length => LevelRunner.RunAsync(target, streams, maxTokens, TimeSpan.Zero, length, cpu, null, cancellationToken), cpu.Pids());

    /// <summary>Runs <paramref name="load"/> (given how long to run) until the JIT of <paramref name="pids"/> is quiet.</summary>
    public static async Task<JitWarmupResult> RunAsync(Func<TimeSpan, Task> load, IReadOnlyList<int> pids)
    {
        var began = Stopwatch.GetTimestamp();
        await load(First);
        while (true)
        {
            var before = TieredJit.CpuTime(pids);
            var stepBegan = Stopwatch.GetTimestamp();
            await load(Step);
            var percent = (TieredJit.CpuTime(pids) - before).TotalSeconds / Stopwatch.GetElapsedTime(stepBegan).TotalSeconds * 100;
            var spent = Stopwatch.GetElapsedTime(began);
            if (percent < QuietPercent) return new JitWarmupResult(spent, Settled: true);
            if (spent >= Limit) return new JitWarmupResult(spent, Settled: false);
        }
    }
}

/// <summary>How long a warm-up ran, and whether the JIT was quiet at its end (false: it stopped at the limit).</summary>
internal readonly record struct JitWarmupResult(TimeSpan Spent, bool Settled)
{
    public override string ToString() => Settled
        ? $"{Spent.TotalSeconds:0.#} s until the JIT settled"
        : $"{Spent.TotalSeconds:0.#} s, the JIT still busy (limit)";
}

using System.Diagnostics;
using LlamaOrch.Bench.Processes;

namespace LlamaOrch.Bench.Load;

/// <summary>
/// Keeps N streams busy against one target: N workers each run one task after another (a closed loop, as
/// N agents would), through a warm-up and the measured window; then no new task starts and the running
/// ones finish, so that the next run starts from an idle server.
/// </summary>
internal static class LevelRunner
{
    /// <summary>How long the last streams may take to finish after the window before the run is called stuck.</summary>
    private static readonly TimeSpan DrainLimit = TimeSpan.FromSeconds(60);

    public static async Task<LevelResult> RunAsync(
        IStreamTarget target, int streams, int expectedTokens, TimeSpan warmup, TimeSpan duration,
        CpuMeter cpu, int? rssPid, CancellationToken cancellationToken)
    {
        var window = MeasureWindow.After(warmup, duration);
        var workers = Enumerable.Range(0, streams).Select(_ => new WorkerStats(window, expectedTokens)).ToArray();
        using var stuck = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stuck.CancelAfter(warmup + duration + DrainLimit);
        var running = workers.Select((stats, index) => Task.Run(() => WorkAsync(target, index, stats, stuck.Token))).ToArray();

        await DelayUntilAsync(window.Start, cancellationToken);
        cpu.Start();
        using var stopSampling = new CancellationTokenSource();
        var sampler = rssPid is { } pid ? new RssSampler(pid, TimeSpan.FromMilliseconds(200)) : null;
        var sampling = sampler?.RunAsync(stopSampling.Token) ?? Task.CompletedTask;

        await DelayUntilAsync(window.End, cancellationToken);
        var cpuShares = cpu.Stop();
        await stopSampling.CancelAsync();
        await sampling;
        await Task.WhenAll(running);
        cancellationToken.ThrowIfCancellationRequested();
        return LevelResult.Merge(target.Name, streams, window, workers, cpuShares, sampler?.MaxBytes, sampler?.MaxThreads);
    }

    private static async Task WorkAsync(IStreamTarget target, int worker, WorkerStats stats, CancellationToken cancellationToken)
    {
        var iteration = 0;
        while (!stats.Window.IsOver && !cancellationToken.IsCancellationRequested)
        {
            // The same (worker, iteration) gives the same seed on both paths, so both generate the same text.
            var seed = ((long)worker * 100_003 + iteration++) % uint.MaxValue;
            try
            {
                stats.Record(await target.RunOneAsync(worker, seed, stats, cancellationToken));
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                stats.Error("still streaming long after the window closed (stuck)");
                return;
            }
            catch (Exception error) when (error is HttpRequestException or IOException)
            {
                stats.Error($"{error.GetType().Name}: {error.Message}");
                await Task.Delay(10, CancellationToken.None); // a refused connection must not spin the core the servers need
            }
        }
    }

    private static async Task DelayUntilAsync(long timestamp, CancellationToken cancellationToken)
    {
        var remaining = MeasureWindow.Milliseconds(Stopwatch.GetTimestamp(), timestamp);
        if (remaining > 0) await Task.Delay(TimeSpan.FromMilliseconds(remaining), cancellationToken);
    }
}

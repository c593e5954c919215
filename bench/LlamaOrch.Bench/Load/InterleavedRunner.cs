namespace LlamaOrch.Bench.Load;

/// <summary>
/// One stream that goes to each target in turn, task by task (A, B, C, A, B, C, …), through a warm-up and the measured
/// window: every target meets the same machine, so a shared box's load, which moves by more than a millisecond between
/// windows taken seconds apart, falls on all of them alike. Each target's tasks are counted apart, as one worker of its own.
/// </summary>
internal static class InterleavedRunner
{
    private static readonly TimeSpan DrainLimit = TimeSpan.FromSeconds(60);

    public static async Task<IReadOnlyList<LevelResult>> RunAsync(
        IReadOnlyList<IStreamTarget> targets, int expectedTokens, TimeSpan warmup, TimeSpan duration, CancellationToken cancellationToken)
    {
        var window = MeasureWindow.After(warmup, duration);
        var stats = targets.Select(_ => new WorkerStats(window, expectedTokens)).ToArray();
        using var stuck = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stuck.CancelAfter(warmup + duration + DrainLimit);
        var iteration = 0;
        while (!window.IsOver && !stuck.IsCancellationRequested)
        {
            var seed = iteration++ % uint.MaxValue;
            for (var index = 0; index < targets.Count; index++)
            {
                try
                {
                    stats[index].Record(await targets[index].RunOneAsync(0, seed, stats[index], stuck.Token));
                }
                catch (OperationCanceledException) when (stuck.IsCancellationRequested)
                {
                    stats[index].Error("still streaming long after the window closed (stuck)");
                }
                catch (Exception error) when (error is HttpRequestException or IOException)
                {
                    stats[index].Error($"{error.GetType().Name}: {error.Message}");
                    await Task.Delay(10, CancellationToken.None);
                }
            }
        }
        cancellationToken.ThrowIfCancellationRequested();
        // No CPU figures: interleaved paths share every second of the window. Rates are per target over the whole window.
        return [.. targets.Select((target, index) => LevelResult.Merge(target.Name, 1, window, [stats[index]], [], null, null))];
    }
}

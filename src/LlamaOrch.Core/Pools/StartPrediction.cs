namespace LlamaOrch.Core.Pools;

/// <summary>
/// What a pool expects before it has measured anything: how long a replica takes to load (the mean of this
/// pool's observed loads, else a prior), and how long a task holds a slot (from the configured or measured
/// decode speed). Predictions then stay numbers while replicas are starting and before any task finished.
/// Not thread-safe: used under the pool's lock.
/// </summary>
internal sealed class StartPrediction(TimeProvider time)
{
    /// <summary>A first load's guess: stories260K loads in well under a second, a 7B GGUF from disk in a few.</summary>
    public const long PriorLoadMs = 5_000;

    /// <summary>Decode speed assumed before a replica has been measured and none is configured.</summary>
    public const double PriorTokensPerSecond = 20;

    /// <summary>Tokens a task is assumed to produce when it sets no max_tokens.</summary>
    public const int PriorTokensPerTask = 256;

    private const double Weight = 0.3;
    private double _meanLoadMs = double.NaN;

    /// <summary>Records a replica's load, from the start of its engine to ready.</summary>
    public void ObserveLoad(long startedTimestamp) =>
        _meanLoadMs = Blend(_meanLoadMs, time.GetElapsedTime(startedTimestamp).TotalMilliseconds);

    public bool HasObservedLoad => !double.IsNaN(_meanLoadMs);

    public long ExpectedLoadMs => double.IsNaN(_meanLoadMs) ? PriorLoadMs : (long)Math.Ceiling(_meanLoadMs);

    /// <summary>
    /// Milliseconds until the soonest of <paramref name="replicas"/> can take a task: 0 when one is ready, the rest
    /// of the expected load for one that is starting, a whole load for one still waiting for its model or restart.
    /// Null when none of them can come up.
    /// </summary>
    public long? RemainingLoadMs(IEnumerable<ReplicaRuntime> replicas)
    {
        long? soonest = null;
        foreach (var replica in replicas)
        {
            if (replica.Dispatchable) return 0;
            if (!replica.CanComeUp) continue;
            var remaining = replica.StartingSince is { } started
                ? Math.Max(ExpectedLoadMs - (long)time.GetElapsedTime(started).TotalMilliseconds, 0)
                : ExpectedLoadMs;
            soonest = Math.Min(soonest ?? long.MaxValue, remaining);
        }
        return soonest;
    }

    /// <summary>The time a task holds a slot, guessed from a decode speed, before any task has been measured.</summary>
    public static double PriorServiceMs(double? tokensPerSecond, int? maxTokens) =>
        1000.0 * (maxTokens ?? PriorTokensPerTask) / (tokensPerSecond is { } tps and > 0 ? tps : PriorTokensPerSecond);

    private static double Blend(double mean, double sample) => double.IsNaN(mean) ? sample : mean + Weight * (sample - mean);
}

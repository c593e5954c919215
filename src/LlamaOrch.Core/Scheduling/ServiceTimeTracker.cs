namespace LlamaOrch.Core.Scheduling;

/// <summary>
/// An exponentially weighted mean of how long a pool's tasks hold a slot. It adapts within a few dozen
/// tasks, which is what predictions and backoffs need: the pool's current drain rate, not its history.
/// Not thread-safe: used under the pool's lock.
/// </summary>
internal sealed class ServiceTimeTracker
{
    private const double Weight = 0.2;
    private double _meanMs = double.NaN;

    public bool HasObservations => !double.IsNaN(_meanMs);

    public double MeanMs => _meanMs;

    public void Observe(TimeSpan serviceTime)
    {
        var ms = Math.Max(serviceTime.TotalMilliseconds, 0.01);
        _meanMs = double.IsNaN(_meanMs) ? ms : _meanMs + Weight * (ms - _meanMs);
    }

    /// <summary>Milliseconds until <paramref name="waiting"/> more slot releases happen across <paramref name="slots"/> slots.</summary>
    public long? PredictWaitMs(int waiting, int slots)
    {
        if (waiting <= 0) return 0;
        if (!HasObservations || slots <= 0) return null;
        return (long)Math.Ceiling(waiting * _meanMs / slots);
    }

    /// <summary>As <see cref="PredictWaitMs(int, int)"/>, taking <paramref name="priorServiceMs"/> as the mean until a task has been observed.</summary>
    public long PredictWaitMs(int waiting, int slots, double priorServiceMs)
    {
        if (waiting <= 0) return 0;
        var mean = HasObservations ? _meanMs : priorServiceMs;
        return (long)Math.Ceiling(waiting * mean / Math.Max(slots, 1));
    }
}

namespace LlamaOrch.Core.Pools;

/// <summary>
/// When a pool tells its queued tasks where they stand. One timer per pool, never one per waiting task: a change
/// of the queue (an admission, a dispatch, a cancel) arms it, and it fires at most once per interval however
/// many tasks wait or how often the queue moves, so a burst of dispatches costs one pass over the queue.
/// Thread-safe: <see cref="Changed"/> may be called from any thread, outside the pool's lock (with a
/// FakeTimeProvider a due timer fires inside <c>Change</c>, and the pass takes that lock). It lives as long as its
/// pool, which is the process; an idle timer holds no thread.
/// </summary>
internal sealed class QueueProgress
{
    private readonly TimeProvider _time;
    private readonly TimeSpan _interval;
    private readonly ITimer _timer;
    private int _armed;
    /// <summary>Timestamp of the last pass's start; 0 before the first.</summary>
    private long _lastPass;

    public QueueProgress(TimeProvider time, TimeSpan interval, Action pass)
    {
        _time = time;
        _interval = interval;
        _timer = time.CreateTimer(
            _ =>
            {
                // Disarmed before the pass: a change during it arms the next one, an interval after this start.
                Volatile.Write(ref _lastPass, _time.GetTimestamp());
                Volatile.Write(ref _armed, 0);
                pass();
            },
            null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>The queue moved: a pass runs now if the last was an interval ago or more, else when the interval is up.</summary>
    public void Changed()
    {
        if (Interlocked.Exchange(ref _armed, 1) == 1) return;
        var last = Volatile.Read(ref _lastPass);
        var since = last == 0 ? _interval : _time.GetElapsedTime(last);
        _timer.Change(since >= _interval ? TimeSpan.Zero : _interval - since, Timeout.InfiniteTimeSpan);
    }
}

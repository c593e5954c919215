using System.Threading.Tasks.Sources;

namespace LlamaOrch.Core.Tasks;

/// <summary>
/// A reusable wait for one reader of a <see cref="TaskEventLog"/>: a caught-up reader waits once per event, and a
/// <see cref="TaskCompletionSource"/> per wait was two objects per token per stream. The log arms it under its
/// lock for one reader at a time and releases it once; the continuation runs on the thread pool, never inline in
/// the appender's lock, unless the appender wakes it after leaving the lock (<see cref="Release"/>). Not for general use: <see cref="TaskEventLog"/> owns the protocol (arm, one release, one await).
/// </summary>
internal sealed class ReaderSignal : IValueTaskSource
{
    private ManualResetValueTaskSourceCore<bool> _core = new() { RunContinuationsAsynchronously = true };

    /// <summary>Makes the signal ready for one more wait; the log's lock is held and the last wait was consumed.</summary>
    public ValueTask Arm()
    {
        _core.Reset();
        return new ValueTask(this, _core.Version);
    }

    /// <summary>
    /// Releases the armed wait, exactly once per <see cref="Arm"/>. <paramref name="inline"/> runs the reader's
    /// continuation on this thread, up to its next wait: only for a caller that holds no lock (see <see cref="WakeDeferral"/>).
    /// </summary>
    public void Release(bool inline = false)
    {
        _core.RunContinuationsAsynchronously = !inline;
        _core.SetResult(true);
    }

    public void GetResult(short token) => _core.GetResult(token);

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}

namespace LlamaOrch.Core.Tasks;

/// <summary>
/// The readers an append or a pulse must wake: the log's reusable signal when its reader waited, and the shared
/// completion source of any further readers that waited at the same time. Taken under the task's lock, released
/// after or under it (both run their continuations on the thread pool), or later, outside the lock, when the
/// appending thread holds wakes back (<see cref="WakeDeferral"/>).
/// </summary>
internal readonly struct LogWakeup(ReaderSignal? signal, TaskCompletionSource? others)
{
    public void Wake()
    {
        if (signal is null && others is null) return; // no reader waited: nothing to hold back either
        if (WakeDeferral.TryHold(this)) return;
        WakeNow();
    }

    /// <summary>
    /// Releases the readers at once, whatever this thread holds back. <paramref name="inlineReader"/> runs the first
    /// reader's continuation on this thread (the caller holds no lock); the others always go to the thread pool.
    /// </summary>
    internal void WakeNow(bool inlineReader = false)
    {
        signal?.Release(inlineReader);
        others?.TrySetResult();
    }
}

namespace LlamaOrch.Core.Tasks;

/// <summary>
/// The append-only list of a task's events, in no door's wire format (each door encodes them, once per
/// event, through <see cref="TaskEvent.EncodedBy"/>). Any number of readers replay it from the start and
/// then follow it live; a reader allocates a wait only when it has caught up.
/// Thread-safety: appends happen under the owning task's lock; reads take the same lock briefly.
/// </summary>
internal sealed class TaskEventLog(object gate)
{
    private readonly List<TaskEvent> _events = new(16);
    private TaskCompletionSource? _waiter;
    private bool _closed;

    /// <summary>Appends an event; the caller holds the task lock. Returns the waiter to release.</summary>
    public TaskCompletionSource? AppendLocked(TaskEvent taskEvent, bool close)
    {
        _events.Add(taskEvent);
        _closed |= close;
        var waiter = _waiter;
        _waiter = null;
        return waiter;
    }

    /// <summary>
    /// Copies events from index <paramref name="from"/> into <paramref name="sink"/>, waiting until at least
    /// one exists, the log is closed, or a <see cref="Pulse"/> wakes idle readers (for keep-alives).
    /// Returns the next index and whether the log is closed. The wait takes no timer and no cancellation
    /// registration, which keeps the per-token path cheap; a disconnected reader is noticed at the next
    /// event or pulse.
    /// </summary>
    public async ValueTask<(int Next, bool Closed)> ReadAsync(int from, List<TaskEvent> sink)
    {
        Task wait;
        lock (gate)
        {
            if (_events.Count > from || _closed) return CopyLocked(from, sink);
            _waiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            wait = _waiter.Task;
        }

        await wait.ConfigureAwait(false);
        lock (gate) return CopyLocked(from, sink);
    }

    /// <summary>Wakes readers that are waiting for an event, without adding one.</summary>
    public void Pulse()
    {
        TaskCompletionSource? waiter;
        lock (gate)
        {
            waiter = _waiter;
            _waiter = null;
        }
        waiter?.TrySetResult();
    }

    private (int Next, bool Closed) CopyLocked(int from, List<TaskEvent> sink)
    {
        for (var index = from; index < _events.Count; index++) sink.Add(_events[index]);
        return (Math.Max(from, _events.Count), _closed);
    }
}

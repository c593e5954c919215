namespace LlamaOrch.Core.Tasks;

/// <summary>
/// Holds back the reader wakes of log appends made on this thread until <see cref="End"/>, so that an appender with
/// several events ready at once (a relay whose engine read brought many tokens) wakes each reader once for all of
/// them, outside the task's lock, and runs each task's first reader on its own thread at <see cref="End"/>. Without it every token woke its reader while the appender still held the lock:
/// the reader then contended for that lock with the next append, wrote and flushed one frame per wake, and cost the
/// thread pool a work item and a thread's wake each time.
/// A scope must never span an await (it is this thread's): begin it after a wait and end it before the next.
/// Nothing is reordered: events are in the log when they are appended; only the readers hear of them a little later.
/// </summary>
internal static class WakeDeferral
{
    [ThreadStatic] private static List<LogWakeup>? t_held;
    [ThreadStatic] private static bool t_active;

    /// <summary>Starts holding back this thread's wakes; false (and nothing to end) when a scope is already open here.</summary>
    public static bool Begin()
    {
        if (t_active) return false;
        t_active = true;
        return true;
    }

    /// <summary>Wakes every reader held back since <see cref="Begin"/> and stops holding wakes back.</summary>
    public static void End()
    {
        t_active = false;
        var held = t_held;
        if (held is null || held.Count == 0) return;
        // Taken off the thread before any wake: each task's first reader now runs here, inline up to its next wait (no lock
        // is held, and it saves the thread pool a work item and a wake per batch), and whatever it sets off on this thread,
        // a nested scope included, must find an empty list of its own.
        t_held = null;
        try
        {
            for (var index = 0; index < held.Count; index++) held[index].WakeNow(inlineReader: true);
        }
        finally
        {
            held.Clear();
            t_held ??= held;
        }
    }

    /// <summary>Holds <paramref name="wakeup"/> back when a scope is open on this thread; false to wake now.</summary>
    internal static bool TryHold(in LogWakeup wakeup)
    {
        if (!t_active) return false;
        (t_held ??= new List<LogWakeup>(4)).Add(wakeup);
        return true;
    }
}

namespace LlamaOrch.Core.Tasks;

/// <summary>
/// Holds back the reader wakes of log appends made on this thread until <see cref="End"/>, so that an appender with
/// several events ready at once (a relay whose engine read brought many tokens) wakes each reader once for all of
/// them, and outside the task's lock. Without it every token woke its reader while the appender still held the lock:
/// the reader then contended for that lock with the next append, and wrote and flushed one frame per wake.
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
        // The scope is closed first, so nothing is added to the list while it is walked: each task's first reader now runs
        // here, inline up to its next wait (no lock is held, and it saves the thread pool a work item and a wake per batch).
        try
        {
            for (var index = 0; index < held.Count; index++) held[index].WakeNow(inlineReader: true);
        }
        finally
        {
            held.Clear();
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

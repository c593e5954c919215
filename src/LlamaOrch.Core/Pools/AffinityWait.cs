using LlamaOrch.Core.Tasks;

namespace LlamaOrch.Core.Pools;

/// <summary>
/// Holds a queued task back while the slot whose KV holds its session is busy (usually with the session's previous
/// turn), for at most <c>Orchestrator:Sessions:AffinityWaitMs</c> since it was queued: evaluating the conversation
/// again in another slot usually costs more than that. The slot's release runs a dispatch pass, which takes the task;
/// once the wait is out it goes to any free slot, cold. A pass notes the earliest wait it held a task for, and one timer
/// per pool (never one per task) runs a pass when that wait ends. No wait while the replica is down, gone or
/// unresponsive (it is not dispatchable), for <c>kv_hint: cold</c>, or for a replica the task's placement excludes.
/// Used only under the pool's lock.
/// </summary>
internal sealed class AffinityWait
{
    private readonly TimeProvider _time;
    private readonly long _waitTicks;
    private readonly ITimer? _timer;
    /// <summary>When the current pass started: one clock reading for every task it weighs.</summary>
    private long _now;
    /// <summary>When the earliest wait of the current pass ends (a timestamp); null when it held no task.</summary>
    private long? _earliestEnd;
    /// <summary>Whether the timer is set: a pass that held nothing leaves an unset timer alone (most passes).</summary>
    private bool _armed;

    /// <param name="wait">Zero never holds a task: it goes cold at once, as before the wait existed.</param>
    /// <param name="pass">Runs a dispatch pass; called by the timer, outside the pool's lock.</param>
    public AffinityWait(TimeProvider time, TimeSpan wait, Action pass)
    {
        _time = time;
        _waitTicks = (long)(wait.TotalSeconds * time.TimestampFrequency);
        if (_waitTicks > 0) _timer = time.CreateTimer(_ => pass(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>A dispatch pass starts: the waits it holds tasks for are counted afresh.</summary>
    public void BeginPass()
    {
        _now = _time.GetTimestamp();
        _earliestEnd = null;
    }

    /// <summary>Whether <paramref name="task"/> should wait for its session's busy slot rather than go elsewhere now.</summary>
    public bool Holds(OrchestratedTask task, ReplicaSet replicas)
    {
        if (_timer is null || task.Spec.KvHint == KvHint.Cold) return false;
        var end = task.AdmittedTimestamp + _waitTicks;
        if (_now >= end) return false;
        foreach (var replica in replicas)
        {
            if (!replica.Dispatchable || !(task.Spec.Placement?.Allows(replica.Device) ?? true)) continue;
            if (!replica.SlotTable.BusyWith(task.Spec.SessionId)) continue;
            _earliestEnd = Math.Min(_earliestEnd ?? long.MaxValue, end);
            return true;
        }
        return false;
    }

    /// <summary>
    /// The pass is over: the timer runs the next one when the earliest wait it held a task for ends. A pass that held
    /// none disarms it; one that stopped for want of free slots may not have seen every waiting task, but then a slot's
    /// release runs the next pass anyway. Called under the pool's lock: the due time is always ahead, so even a
    /// FakeTimeProvider does not run the pass inside <c>Change</c>.
    /// </summary>
    public void EndPass()
    {
        if (_timer is null || (_earliestEnd is null && !_armed)) return;
        _armed = _earliestEnd is not null;
        _timer.Change(_earliestEnd is { } end ? _time.GetElapsedTime(_now, end) : Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }
}

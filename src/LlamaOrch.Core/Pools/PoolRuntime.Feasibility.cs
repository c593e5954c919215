using LlamaOrch.Core.Admission;

namespace LlamaOrch.Core.Pools;

public sealed partial class PoolRuntime
{
    /// <summary>
    /// What admission-time placement needs of the pool for a task needing <paramref name="neededCtx"/> tokens of
    /// context, in one look under the lock: whether it can take the task now or once a replica is up (<see cref="CtxMax"/>
    /// holds it, not draining or stopped, <see cref="CanTakeTasks"/>), and, when it can, the refusal <see cref="Admit"/>
    /// would give a task without a deadline because the queue is full under the reject policy. Every submission asks
    /// this of every pool serving its model, a flood of 429s included; one look instead of two halves the lock takes
    /// they contend for, and a full queue's 429 then costs no further look. <see cref="Admit"/> still checks under the
    /// lock, so a queue that fills after the look is refused there as before, and one that frees after it only answers
    /// the 429 a moment's look earlier would have.
    /// </summary>
    internal AdmissionLook LookForAdmission(int neededCtx)
    {
        lock (_gate)
        {
            var open = neededCtx <= _replicas.CtxMax(Config.Ctx) && !_state.Draining && _state.StoppedReason is null
                       && _replicas.RemainingLoadMs() is not null;
            if (!open) return default;
            return new AdmissionLook(true, _queue.RefusesWhenFull && !_queue.HasRoom ? _queue.Full(_replicas.ReadySlots) : null);
        }
    }
}

/// <summary>
/// A pool as one admission found it (<see cref="PoolRuntime.LookForAdmission"/>): whether it can take the task, and the
/// full queue's refusal when it would refuse one without a deadline (null when there is room or its policy is drop-lru).
/// </summary>
internal readonly record struct AdmissionLook(bool CanAdmit, Rejection? QueueFull);

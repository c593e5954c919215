using LlamaOrch.Core.Admission;

namespace LlamaOrch.Core.Pools;

public sealed partial class PoolRuntime
{
    /// <summary>
    /// Whether the pool can take a task needing <paramref name="neededCtx"/> tokens of context now or once a replica
    /// is up: <see cref="CtxMax"/> holds it, not draining or stopped, <see cref="CanTakeTasks"/>. One look under the
    /// lock instead of four: admission-time placement asks this of every pool serving the model on every submission,
    /// and a flood of them contended for the lock (a full queue's 429s included).
    /// </summary>
    internal bool CanAdmit(int neededCtx)
    {
        lock (_gate)
        {
            return neededCtx <= _replicas.CtxMax(Config.Ctx) && !_state.Draining && _state.StoppedReason is null
                   && _replicas.RemainingLoadMs() is not null;
        }
    }

    /// <summary>
    /// The refusal <see cref="Admit"/> would give a task without a deadline because the queue is full under the reject
    /// policy, or null when it might take it (room, drop-lru, draining, loading: <see cref="Admit"/> decides those). Lets
    /// admission answer a flood of 429s without making and storing a task for each; <see cref="Admit"/> still checks
    /// under the same lock, so a queue that fills in between is refused there as before.
    /// </summary>
    internal Rejection? FullQueueRefusal()
    {
        lock (_gate)
        {
            if (_state.Draining || _replicas.RemainingLoadMs() is null || !_queue.RefusesWhenFull || _queue.HasRoom) return null;
            return _queue.Full(_replicas.ReadySlots);
        }
    }
}

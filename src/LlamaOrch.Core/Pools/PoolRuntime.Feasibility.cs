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
}

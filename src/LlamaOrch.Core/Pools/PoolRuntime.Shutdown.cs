using LlamaOrch.Core.Tasks;

namespace LlamaOrch.Core.Pools;

public sealed partial class PoolRuntime
{
    /// <summary>Takes every task out of the queue for the caller to end (at shutdown); running tasks carry on.</summary>
    internal List<OrchestratedTask> TakeQueued()
    {
        List<OrchestratedTask> queued;
        lock (_gate) queued = TakeQueuedLocked();
        Signal();
        return queued;
    }
}

using LlamaOrch.Contracts.Errors;
using LlamaOrch.Core.Tasks;

namespace LlamaOrch.Core.Pools;

/// <summary>
/// Replica health as the supervisor reports it. A replica whose engine missed a health check takes no new
/// task until it answers again; one declared hung gives its tasks back before its engine is killed: those
/// that have produced nothing yet run again elsewhere (requeued once, at the head of their priority), the
/// others end with WORKER_RESET.
/// </summary>
public sealed partial class PoolRuntime
{
    /// <summary>The replica's engine missed a health check: nothing more is dispatched to it until it answers again.</summary>
    public void ReplicaUnresponsive(string replicaId, string reason)
    {
        lock (_gate)
        {
            if (Find(replicaId) is not { Ready: true } replica) return;
            replica.Unresponsive = reason;
            if (replica.Role == ReplicaRole.Serving) _lastError = $"replica {replica.Id}: {reason}";
        }
        Signal();
    }

    /// <summary>The replica's engine answers its health checks again: it takes tasks again.</summary>
    public void ReplicaResponsive(string replicaId)
    {
        lock (_gate)
        {
            if (Find(replicaId) is not { Unresponsive: not null } replica) return;
            replica.Unresponsive = null;
            ClearErrorIfRecoveredLocked();
        }
        Signal();
        Pump();
    }

    /// <summary>
    /// The supervisor declared the replica's engine hung and is about to kill it; the replica is down from now
    /// on. Its running tasks that have produced no token yet are requeued (see <see cref="OrchestratedTask.TryRequeue"/>);
    /// the others, and any task requeued once already, end with a retriable WORKER_RESET.
    /// </summary>
    public void ReplicaHung(string replicaId, string reason)
    {
        List<OrchestratedTask> running;
        lock (_gate)
        {
            if (Find(replicaId) is not { } replica) return;
            replica.Ready = false;
            replica.Unresponsive = null;
            replica.DownReason = reason;
            if (replica.Role == ReplicaRole.Serving) _lastError = $"replica {replica.Id}: {reason}";
            running = [.. replica.Running];
        }

        foreach (var task in running)
        {
            if (task.TryRequeue($"replica {replicaId} hung ({reason}); requeued at the head of the queue")) continue;
            task.FailAndAbort(new ErrorEnvelope(
                ErrorCodes.WorkerReset, $"replica {replicaId} hung while running the task: {reason}", WireNames.Of(Config.Engine), Retriable: true));
        }
        Signal();
    }

    /// <summary>
    /// Queues a requeued task again once its old run has given the slot back, first of its priority. It
    /// does not count against the capacity: it was admitted before the tasks now queued behind it.
    /// </summary>
    private void RequeueAtHeadLocked(OrchestratedTask task)
    {
        task.QueueNode = _queue.EnqueueFirst(task, task.Spec.Priority);
        UpdateDepthLocked();
    }

    /// <summary>A recovered pool reports no error; while some serving replica is down or unresponsive its error stays visible.</summary>
    private void ClearErrorIfRecoveredLocked()
    {
        if (_replicas.All(r => r.Role != ReplicaRole.Serving || r.Dispatchable)) _lastError = null;
    }
}

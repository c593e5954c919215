using LlamaOrch.Contracts.Errors;
using LlamaOrch.Core.Admission;
using LlamaOrch.Core.Engines;
using LlamaOrch.Core.Tasks;

namespace LlamaOrch.Core.Pools;

/// <summary>
/// The supervisor's reports on replicas: starting, ready, down, and their health. A replica whose engine missed
/// a health check takes no new task until it answers again; one declared hung gives its tasks back before its
/// engine is killed: those that have produced nothing yet run again elsewhere (requeued once, at the head of
/// their priority), the others end with WORKER_RESET.
/// </summary>
public sealed partial class PoolRuntime
{
    public void ReplicaStarting(string replicaId, string device)
    {
        lock (_gate) _replicas.Find(replicaId)?.MarkStarting(device, _time.GetTimestamp());
    }

    public void ReplicaReady(string replicaId, IEngineClient client, EngineFacts facts)
    {
        lock (_gate)
        {
            if (_replicas.Find(replicaId) is not { } replica) return;
            _replicas.ObserveReady(replica);
            replica.MarkReady(client, facts);
            Volatile.Write(ref _engineVersion, facts.EngineVersion);
            ClearErrorIfRecoveredLocked();
        }
        Signal();
        Pump();
    }

    /// <param name="cannotStart">
    /// A restart will not fix it by itself (missing model, no device fits, crash loop): once no serving replica
    /// is ready or coming up, the pool refuses tasks with 503 and ends the queued ones with that reason.
    /// </param>
    public void ReplicaDown(string replicaId, string reason, bool cannotStart = false)
    {
        List<OrchestratedTask>? stranded = null;
        Rejection? unready = null;
        lock (_gate)
        {
            if (_replicas.Find(replicaId) is not { } replica) return;
            replica.MarkDown(reason, cannotStart);
            if (replica.Role == ReplicaRole.Serving) _state.LastError = $"replica {replica.Id}: {reason}";
            if (_queue.Count > 0 && _replicas.RemainingLoadMs() is null)
            {
                stranded = _queue.TakeAll();
                unready = _state.UnreadyRejection();
            }
        }
        foreach (var task in stranded ?? [])
            task.TryFail(unready!.ToEnvelope(null) with { Engine = WireNames.Of(Config.Engine) });
        Signal();
    }

    /// <summary>The replica's engine missed a health check: nothing more is dispatched to it until it answers again.</summary>
    public void ReplicaUnresponsive(string replicaId, string reason)
    {
        lock (_gate)
        {
            if (_replicas.Find(replicaId) is not { Ready: true } replica) return;
            replica.Unresponsive = reason;
            if (replica.Role == ReplicaRole.Serving) _state.LastError = $"replica {replica.Id}: {reason}";
        }
        Signal();
    }

    /// <summary>The replica's engine answers its health checks again: it takes tasks again.</summary>
    public void ReplicaResponsive(string replicaId)
    {
        lock (_gate)
        {
            if (_replicas.Find(replicaId) is not { Unresponsive: not null } replica) return;
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
            if (_replicas.Find(replicaId) is not { } replica) return;
            replica.MarkHung(reason);
            if (replica.Role == ReplicaRole.Serving) _state.LastError = $"replica {replica.Id}: {reason}";
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

    /// <summary>A recovered pool reports no error; while some serving replica is down or unresponsive its error stays visible.</summary>
    private void ClearErrorIfRecoveredLocked()
    {
        if (!_replicas.AnyServingDown()) _state.LastError = null;
    }
}

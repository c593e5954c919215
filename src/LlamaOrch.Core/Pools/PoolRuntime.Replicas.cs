using LlamaOrch.Core.Sessions;
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

    /// <summary>
    /// A task lost its replica's engine mid-call (unreachable, garbage, a stream closed early): the replica takes no new
    /// task until its health check passes again, or, for a local engine that died, until its supervisor has restarted
    /// it. The supervisor hears of the death only once it has reaped the process; until then the dead replica looked
    /// idle, and the queue drained into it.
    /// </summary>
    public void ReplicaCallBroke(string replicaId, string reason)
    {
        lock (_gate)
        {
            if (_replicas.Find(replicaId) is not { Ready: true } replica) return;
            replica.Unresponsive = $"unresponsive: a task's call failed ({reason}); takes no task until its health check passes";
            if (replica.Role == ReplicaRole.Serving) _state.LastError = $"replica {replica.Id}: {replica.Unresponsive}";
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

    /// <summary>A completion finished normally: its session learns the turn's counts and where its KV now is.</summary>
    internal void SessionTurnEnded(OrchestratedTask task, string replicaId, EngineFinal final)
    {
        long bytesPerToken;
        lock (_gate) bytesPerToken = _replicas.Find(replicaId)?.Facts?.KvBytesPerToken ?? 0;
        var (slot, warmth) = task.EngineSlot;
        if (Sessions.TurnEnded(task, this, replicaId, slot, new SessionTurn(final.TokensIn, final.PromptTokensCached ?? 0, final.TokensOut, warmth), bytesPerToken)) return;
        // Its session was deleted while the turn ran: the KV the turn left is erased, as the delete promised.
        if (slot >= 0 && ForgetSessionSlot(replicaId, slot, task.Spec.SessionId) is { } engine) _ = EraseQuietlyAsync(engine, slot);
    }

    /// <summary>Erases a slot no session needs; an engine that is gone or refuses only leaves KV the next prompt there overwrites.</summary>
    private static async Task EraseQuietlyAsync(IEngineClient engine, int slot)
    {
        try
        {
            await engine.EraseSlotAsync(slot, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception failure) when (failure is HttpRequestException or EngineFailureException or OperationCanceledException)
        {
            // Nothing to do: see above.
        }
    }

    /// <summary>Whether <paramref name="slot"/> of the replica still holds <paramref name="sessionId"/>'s KV (its engine did not restart, no other prompt took it).</summary>
    internal bool SlotHolds(string replicaId, int slot, string sessionId)
    {
        lock (_gate) return _replicas.Find(replicaId) is { Ready: true } replica && replica.SlotTable.Holds(slot, sessionId);
    }

    /// <summary>
    /// Marks <paramref name="slot"/> empty if it still holds <paramref name="sessionId"/>'s KV, and returns the engine to
    /// erase it on; null when the slot holds something else by now.
    /// </summary>
    internal IEngineClient? ForgetSessionSlot(string replicaId, int slot, string sessionId)
    {
        lock (_gate)
        {
            if (_replicas.Find(replicaId) is not { Ready: true, Client: { } client } replica || !replica.SlotTable.Holds(slot, sessionId)) return null;
            replica.SlotTable.Forget(slot);
            return client;
        }
    }
}

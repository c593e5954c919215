using LlamaOrch.Contracts.Errors;
using LlamaOrch.Core.Admission;
using LlamaOrch.Core.Pools;
using Microsoft.Extensions.Logging;

namespace LlamaOrch.Engines.Supervision;

/// <summary>
/// The control-plane changes to a pool's replicas: an atomic reload to another model, taking a pool out
/// of service (its model was retired) once its work is done, and bringing it back.
/// </summary>
public sealed class PoolLifecycle(PoolSupervisor supervisor, TimeProvider time, ILogger<PoolLifecycle> logger)
{
    /// <summary>
    /// Guards <see cref="_pendingStops"/> and makes each change of service atomic with the pool change it decides
    /// on, so that of retire, restore and reload in quick succession the last one wins.
    /// </summary>
    private readonly Lock _transitions = new();

    /// <summary>Per pool, the stop of its latest retirement while it waits for the pool to empty; cancelled to call it off.</summary>
    private readonly Dictionary<string, CancellationTokenSource> _pendingStops = new(StringComparer.Ordinal);

    /// <summary>
    /// Starts replicas serving <paramref name="model"/> beside the current ones and switches over once all
    /// are ready; the old replicas finish their running tasks and then stop. Queued tasks are never dropped:
    /// they run on whichever side is serving when a slot frees. On failure the new replicas are stopped,
    /// the pool is left as it was, and the refusal (409) says why.
    /// </summary>
    public async Task<Rejection?> ReloadAsync(PoolRuntime pool, string model, CancellationToken cancellationToken)
    {
        if (pool.TryBeginReload(model, out var refusal) is not { } plans) return refusal;
        logger.LogInformation("Pool {PoolId}: reloading from {OldModel} to {NewModel} with replicas {Replicas}",
            pool.Id, pool.Config.Model, model, string.Join(", ", plans.Select(p => p.ReplicaId)));
        supervisor.StartReplicas(pool, plans);

        string? failure;
        using (var timeout = new CancellationTokenSource(supervisor.Options.ReloadTimeout, time))
        using (var waiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token))
        {
            try
            {
                failure = await pool.WaitIncomingAsync(waiting.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                failure = $"the new replicas were not ready within {supervisor.Options.ReloadTimeout.TotalSeconds:0} s";
            }
            catch (OperationCanceledException)
            {
                failure = "the reload request was cancelled";
            }
        }

        if (failure is not null)
        {
            var incoming = pool.AbortReload();
            await supervisor.StopReplicasAsync(incoming).ConfigureAwait(false);
            pool.RemoveReplicas(incoming);
            logger.LogWarning("Pool {PoolId}: reload to {Model} failed and was rolled back: {Reason}", pool.Id, model, failure);
            return new Rejection(ErrorCodes.ReloadConflict,
                $"reload of pool '{pool.Id}' to '{model}' failed and was rolled back (still serving '{pool.Config.Model}'): {failure}",
                Retriable: false);
        }

        IReadOnlyList<string> outgoing;
        lock (_transitions)
        {
            CancelPendingStop(pool);
            outgoing = pool.CommitReload();
        }
        logger.LogInformation("Pool {PoolId}: now serving {Model}; replicas {Outgoing} stop once their running tasks finish",
            pool.Id, model, string.Join(", ", outgoing));
        Track(RetireAsync(pool, outgoing, CancellationToken.None));
        return null;
    }

    /// <summary>
    /// Drains the pool within <paramref name="deadline"/> and then stops its replicas; admissions are refused
    /// with <paramref name="reason"/> from then on. <see cref="Restore"/> undoes it, even midway.
    /// </summary>
    public void TakeOutOfService(PoolRuntime pool, TimeSpan deadline, string reason)
    {
        var cancel = new CancellationTokenSource();
        lock (_transitions)
        {
            pool.Drain(deadline);
            // An earlier stop still waiting is replaced; one already past its wait has stopped only the replicas
            // it took, and those a Restore started since are this one's to stop.
            CancelPendingStop(pool);
            _pendingStops[pool.Id] = cancel;
        }
        Track(StopWhenEmptyAsync(pool, reason, cancel));
    }

    /// <summary>Brings a pool taken out of service back: admitting again, with fresh replicas if they were stopped.</summary>
    public void Restore(PoolRuntime pool)
    {
        IReadOnlyList<ReplicaPlan> plans;
        lock (_transitions)
        {
            CancelPendingStop(pool);
            plans = pool.Restart();
        }
        if (plans.Count > 0) supervisor.StartReplicas(pool, plans);
        logger.LogInformation("Pool {PoolId}: back in service ({Started} replicas started)", pool.Id, plans.Count);
    }

    private async Task StopWhenEmptyAsync(PoolRuntime pool, string reason, CancellationTokenSource cancel)
    {
        try
        {
            await pool.WaitEmptyAsync(cancel.Token).ConfigureAwait(false);
            IReadOnlyList<string> stopped;
            lock (_transitions)
            {
                // A Restore or a reload that came while the pool emptied has the last word.
                cancel.Token.ThrowIfCancellationRequested();
                stopped = pool.StopServing(reason);
                _pendingStops.Remove(pool.Id);
            }
            logger.LogInformation("Pool {PoolId}: out of service ({Reason}); stopping replicas {Replicas}", pool.Id, reason, string.Join(", ", stopped));
            await RetireAsync(pool, stopped, CancellationToken.None).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Called off before its work was done: nothing to stop.
        }
        finally
        {
            lock (_transitions)
            {
                if (_pendingStops.TryGetValue(pool.Id, out var listed) && listed == cancel) _pendingStops.Remove(pool.Id);
            }
            cancel.Dispose();
        }
    }

    private async Task RetireAsync(PoolRuntime pool, IReadOnlyList<string> replicaIds, CancellationToken cancellationToken)
    {
        await pool.WaitIdleAsync(replicaIds, cancellationToken).ConfigureAwait(false);
        await supervisor.StopReplicasAsync(replicaIds).ConfigureAwait(false);
        pool.RemoveReplicas(replicaIds);
        logger.LogInformation("Pool {PoolId}: replicas {Replicas} stopped", pool.Id, string.Join(", ", replicaIds));
    }

    /// <summary>Calls off the pool's pending stop, if any; the caller holds <see cref="_transitions"/>.</summary>
    private void CancelPendingStop(PoolRuntime pool)
    {
        // Only a stop still waiting is listed, and it leaves the list before its source is disposed.
        if (_pendingStops.Remove(pool.Id, out var pending)) pending.Cancel();
    }

    /// <summary>Runs background work whose only outcome that matters is a failure, which is logged.</summary>
    private void Track(Task work) => _ = LogFailureAsync(work);

    private async Task LogFailureAsync(Task work)
    {
        try
        {
            await work.ConfigureAwait(false);
        }
        catch (Exception error)
        {
            logger.LogError(error, "Pool lifecycle work failed");
        }
    }
}

using LlamaOrch.Contracts.Errors;
using LlamaOrch.Core.Admission;

namespace LlamaOrch.Core.Pools;

/// <summary>
/// Drain, resume, reload, stop and restart, and the views of the pool they change. A reload adds incoming
/// replicas beside the serving ones and switches over only once they are ready.
/// </summary>
public sealed partial class PoolRuntime
{
    public bool IsDraining
    {
        get { lock (_gate) return _state.Draining; }
    }

    /// <summary>Whether the pool's model has been taken out of service (see <see cref="StopServing"/>).</summary>
    public bool IsStopped
    {
        get { lock (_gate) return _state.StoppedReason is not null; }
    }

    /// <summary>
    /// Stops admitting. Queued and running tasks carry on until <paramref name="deadline"/>; then
    /// <see cref="ExpireOverdue"/> ends what is left with an error frame. A second drain may only shorten it.
    /// </summary>
    public void Drain(TimeSpan deadline)
    {
        var at = _time.GetTimestamp() + (long)(deadline.TotalSeconds * _time.TimestampFrequency);
        lock (_gate) _state.Drain(at);
        Signal();
    }

    /// <summary>Admits again after a drain; the replicas kept running, so the pool is ready at once.</summary>
    public bool Resume()
    {
        lock (_gate) return _state.Resume();
    }

    /// <summary>What each replica's engine is to be started with (the serving ones).</summary>
    public IReadOnlyList<ReplicaPlan> ServingPlans()
    {
        lock (_gate) return _replicas.Plans(Config, ReplicaRole.Serving);
    }

    /// <summary>
    /// Starts a reload to <paramref name="model"/>: incoming replicas are added (taking no task yet) and
    /// their plans returned for the supervisor to start. Null with a refusal while another reload runs.
    /// </summary>
    public IReadOnlyList<ReplicaPlan>? TryBeginReload(string model, out Rejection? refusal)
    {
        lock (_gate)
        {
            // An upstream serves the model it was started with elsewhere: a reload cannot swap it.
            if (Config.Upstreams.Count > 0)
            {
                refusal = new Rejection(ErrorCodes.ReloadConflict,
                    $"pool '{Id}' has upstream replicas (engines orchestratord does not start); reload them where they run and change the pool's configuration",
                    Retriable: false);
                return null;
            }
            if (_state.ReloadsRefused is { } refused)
            {
                refusal = refused;
                return null;
            }
            if (!_state.TryBeginReload())
            {
                refusal = new Rejection(ErrorCodes.ReloadConflict, $"pool '{Id}' is already reloading; wait for it to finish", Retriable: true, RetryAfterMs: PoolQueue.UnknownDrainBackoffMs);
                return null;
            }
            refusal = null;
            _replicas.Add(Config, model, ReplicaRole.Incoming);
            return _replicas.Plans(Config, ReplicaRole.Incoming);
        }
    }

    /// <summary>
    /// Null once every incoming replica is ready; otherwise the first reason one of them went down, or why the
    /// reload was called off (see <see cref="RefuseReloads"/>).
    /// </summary>
    public async Task<string?> WaitIncomingAsync(CancellationToken cancellationToken)
    {
        List<Task<string?>> outcomes;
        Task<string?> calledOff;
        lock (_gate)
        {
            outcomes = _replicas.OfRole(ReplicaRole.Incoming).ConvertAll(r => r.FirstOutcome.Task);
            calledOff = _state.ReloadCalledOff;
        }
        while (outcomes.Count > 0)
        {
            var first = await Task.WhenAny([.. outcomes, calledOff]).WaitAsync(cancellationToken).ConfigureAwait(false);
            if (await first.ConfigureAwait(false) is { } failure) return failure;
            outcomes.Remove(first);
        }
        return null;
    }

    /// <summary>
    /// Refuses reloads from now on with <paramref name="refusal"/> (orchestratord is shutting down), and calls off a
    /// reload that waits for its new replicas: it rolls back and answers at once instead of holding up the stop.
    /// </summary>
    public void RefuseReloads(Rejection refusal)
    {
        lock (_gate) _state.RefuseReloads(refusal);
    }

    /// <summary>
    /// Switches to the incoming replicas: they take tasks from now on, the serving ones become outgoing
    /// (finishing what they run), and the pool serves the new model. Returns the outgoing replica ids.
    /// </summary>
    public IReadOnlyList<string> CommitReload()
    {
        List<string> outgoing;
        lock (_gate)
        {
            var model = _replicas.OfRole(ReplicaRole.Incoming)[0].Model;
            outgoing = _replicas.Move(ReplicaRole.Serving, ReplicaRole.Outgoing);
            _replicas.Move(ReplicaRole.Incoming, ReplicaRole.Serving);
            Volatile.Write(ref _config, Config with { Model = model });
            _state.EndReload();
            _state.Reopen(clearError: true);
        }
        Signal();
        Pump();
        return outgoing;
    }

    /// <summary>Gives up a reload: returns the incoming replica ids for the supervisor to stop; the pool is as before.</summary>
    public IReadOnlyList<string> AbortReload()
    {
        lock (_gate)
        {
            _state.EndReload();
            return _replicas.Move(ReplicaRole.Incoming, ReplicaRole.Outgoing);
        }
    }

    /// <summary>
    /// Takes every serving replica out of service (the pool's model was retired, for example): they finish
    /// what they run, nothing new is dispatched, and admissions are refused with <paramref name="reason"/>.
    /// Returns the replica ids for the supervisor to stop.
    /// </summary>
    public IReadOnlyList<string> StopServing(string reason)
    {
        lock (_gate)
        {
            _state.Stop(reason);
            return _replicas.Move(ReplicaRole.Serving, ReplicaRole.Outgoing);
        }
    }

    /// <summary>Brings a stopped pool back with fresh serving replicas, admitting again; their plans are returned.</summary>
    public IReadOnlyList<ReplicaPlan> Restart()
    {
        lock (_gate)
        {
            _state.Reopen(clearError: false);
            if (_replicas.Any(ReplicaRole.Serving)) return [];
            _replicas.Add(Config, Config.Model, ReplicaRole.Serving);
            return _replicas.Plans(Config, ReplicaRole.Serving);
        }
    }

    /// <summary>Forgets replicas whose engines the supervisor has stopped.</summary>
    public void RemoveReplicas(IReadOnlyCollection<string> replicaIds)
    {
        lock (_gate) _replicas.RemoveOutgoing(replicaIds);
        Signal();
    }

    public PoolStatus Snapshot()
    {
        lock (_gate) return PoolStatusProjection.Pool(Config, _replicas, _queue.Count, _state);
    }

    /// <summary>Every replica of the pool, incoming and outgoing ones included.</summary>
    public IReadOnlyList<ReplicaStatus> Replicas()
    {
        lock (_gate) return PoolStatusProjection.Replicas(Id, _replicas);
    }

    /// <summary>The engines of the ready serving replicas, for <c>/metrics</c> to scrape.</summary>
    public IReadOnlyList<ReadyEngine> ReadyEngines()
    {
        lock (_gate) return _replicas.ReadyEngines();
    }

    /// <summary>The 503 for a pool with no ready replica, naming the pool and its last error.</summary>
    public Rejection UnreadyRejection()
    {
        lock (_gate) return _state.UnreadyRejection();
    }
}

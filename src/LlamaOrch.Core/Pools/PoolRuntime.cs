using LlamaOrch.Contracts.Errors;
using LlamaOrch.Contracts.Tasks;
using LlamaOrch.Core.Admission;
using LlamaOrch.Core.Engines;
using LlamaOrch.Core.Placement;
using LlamaOrch.Core.Sessions;
using LlamaOrch.Core.Scheduling;
using LlamaOrch.Core.Tasks;
using LlamaOrch.Core.Telemetry;

namespace LlamaOrch.Core.Pools;

/// <summary>
/// A pool at run time. It owns the pool's one lock (never a global one) and sequences its collaborators under
/// it: the <see cref="PoolQueue"/>, the <see cref="ReplicaSet"/>, the <see cref="PoolDispatcher"/> that joins
/// them, the <see cref="PoolLifecycleState"/> (drain, stop, reload) and the <see cref="ChangeSignal"/> waiters
/// use. Dispatch runs whenever something changes (a task arrives, a slot frees, a replica becomes ready)
/// rather than in a loop. This file holds the way of a task; the replicas' callbacks are in
/// PoolRuntime.Replicas.cs, drain, reload and stop in PoolRuntime.Lifecycle.cs, what the streams hear about the
/// queue and deadlines in PoolRuntime.Progress.cs.
/// </summary>
public sealed partial class PoolRuntime
{
    private readonly object _gate = new();
    private readonly TimeProvider _time;
    private readonly PlacementContext _placement;
    private readonly PoolQueue _queue;
    private readonly ReplicaSet _replicas;
    private readonly PoolDispatcher _dispatcher;
    private readonly PoolLifecycleState _state;
    private readonly ChangeSignal _changed = new();
    private readonly QueueProgress _progress;
    private readonly PredictionErrors _errors = new();
    private PoolConfig _config;
    /// <summary>The version the last ready replica reported, for the metrics' <c>engine_version</c>; null before any was ready.</summary>
    private string? _engineVersion;

    /// <param name="affinityWait">How long a session's task may wait for the busy slot holding its KV (<see cref="AffinityWait"/>); zero never waits.</param>
    internal PoolRuntime(
        PoolConfig config, TaskRunner runner, TimeProvider time, PlacementContext? placement = null, ITaskMetrics? metrics = null, TimeSpan affinityWait = default)
    {
        _config = config;
        _time = time;
        Metrics = metrics ?? NoTaskMetrics.Instance;
        _placement = placement ?? PlacementContext.Detached();
        _queue = new PoolQueue(config.Id, config.QueueCapacity, config.QueuePolicy);
        _replicas = new ReplicaSet(config.Id, time);
        _dispatcher = new PoolDispatcher(this, _queue, _replicas, runner, _placement, new AffinityWait(time, affinityWait, Pump));
        _state = new PoolLifecycleState(config.Id);
        _replicas.Add(config, config.Model, ReplicaRole.Serving);
        _progress = new QueueProgress(time, runner.MetricsInterval, ReportQueued);
    }

    /// <summary>The pool's settings; after a reload, with the model it now serves.</summary>
    public PoolConfig Config => Volatile.Read(ref _config);

    public string Id => Config.Id;

    public int QueueDepth => _queue.Depth;

    /// <summary>How many tasks of this priority wait; readable without the pool's lock (a metrics scrape reads it).</summary>
    public int QueueDepthOf(Priority priority) => _queue.DepthOf(priority);

    /// <summary>The sessions its tasks belong to, shared by every pool.</summary>
    internal SessionRegistry Sessions => _placement.Sessions;

    /// <summary>Where the pool's tasks report what happens to them.</summary>
    internal ITaskMetrics Metrics { get; }

    /// <summary>The labels of this pool's series, as they stand now.</summary>
    public PoolMetricLabels MetricLabels => new(WireNames.Of(Config.Engine), Volatile.Read(ref _engineVersion) ?? string.Empty, Id);

    public static string ReplicaId(string poolId, int number) => ReplicaSet.ReplicaId(poolId, number);

    /// <summary>The largest per-slot context a task may ask for: the smallest any ready replica reports.</summary>
    public int CtxMax
    {
        get { lock (_gate) return _replicas.CtxMax(Config.Ctx); }
    }

    /// <summary>Ready, or with a replica that is coming up (loading, downloading, restarting): tasks may queue.</summary>
    public bool CanTakeTasks
    {
        get { lock (_gate) return _replicas.RemainingLoadMs() is not null; }
    }

    /// <summary>Queues the task or says why not. On success the task's admission fields are set.</summary>
    internal AdmitResult Admit(OrchestratedTask task)
    {
        OrchestratedTask? evicted;
        long backoffMs;
        lock (_gate)
        {
            // Placement saw the pool open under its own look; a drain since then must still refuse here. (A stopped
            // pool has no serving replica left, so the load check below refuses it with its reason.)
            if (_state.Draining) return AdmitResult.Refused(_state.DrainingRejection());

            // A pool whose replicas are still loading queues the task, like one that is busy: it starts once one is ready.
            if (_replicas.RemainingLoadMs() is not { } loadMs) return AdmitResult.Refused(_state.UnreadyRejection());

            var (predicted, measured) = PredictStartMsLocked(task.Spec, loadMs);
            // A guess (nothing measured yet) never refuses a task; a measured prediction may.
            if (measured && task.Spec.DeadlineMs > 0 && predicted > task.Spec.DeadlineMs)
                return AdmitResult.Refused(new Rejection(
                    ErrorCodes.DeadlineUnmet,
                    $"deadline_ms {task.Spec.DeadlineMs} cannot be met: pool '{Id}' predicts a start in {predicted} ms",
                    Retriable: true,
                    RetryAfterMs: _queue.RetryAfterMs(_replicas.ReadySlots)));

            if (!_queue.TryEnqueue(task, predicted, out evicted)) return AdmitResult.Refused(_queue.Full(_replicas.ReadySlots));
            backoffMs = _queue.AdvisedBackoffMs(_replicas.ReadySlots);
        }

        evicted?.TryFail(new ErrorEnvelope(
            ErrorCodes.QueueFullDropLru,
            $"evicted from the full queue of pool '{Id}' by a newer task (drop-lru)",
            Retriable: true,
            RetryAfterMs: backoffMs,
            PolicyLabel: "drop-lru"));
        Metrics.TaskEnqueued(MetricLabels, task.Spec.Priority);
        Pump();
        return AdmitResult.Queued(backoffMs);
    }

    /// <summary>When the task would start (see <see cref="ForecastInputsLocked"/>).</summary>
    private (long Ms, bool Measured) PredictStartMsLocked(TaskSpec spec, long loadMs)
    {
        var (slots, free, tokensPerSecond) = ForecastInputsLocked(loadMs);
        return _queue.PredictStartMs(spec, loadMs, loadMs == 0 || _replicas.HasObservedLoad, slots, free, tokensPerSecond);
    }

    internal bool TryRemoveQueued(OrchestratedTask task)
    {
        bool removed;
        lock (_gate) removed = _queue.Remove(task);
        // A dispatch pass, not only the queue's news: the task may have held a replica for itself (BatchIsolation).
        if (removed) Pump();
        return removed;
    }

    /// <summary>Takes every task out of the queue for the caller to end (at shutdown); running tasks carry on.</summary>
    internal List<OrchestratedTask> TakeQueued()
    {
        List<OrchestratedTask> queued;
        lock (_gate) queued = _queue.TakeAll();
        Signal();
        return queued;
    }

    /// <summary>
    /// Drops queued tasks whose deadline has passed (their streams end with DEADLINE_UNMET) and, once a
    /// drain's deadline has passed, every task still queued or running in the pool.
    /// </summary>
    public int ExpireOverdue()
    {
        var now = _time.GetTimestamp();
        List<OrchestratedTask> expired;
        List<OrchestratedTask>? drained = null;
        lock (_gate)
        {
            if (_state.DrainDeadline is { } drainAt && now >= drainAt && (_queue.Count > 0 || _dispatcher.Running.Count > 0))
                drained = [.. _queue.TakeAll(), .. _dispatcher.Running];
            if (_queue.Count == 0 && drained is null) return 0;
            expired = _queue.TakeOverdue(now);
        }

        foreach (var task in drained ?? [])
        {
            task.FailAndAbort(new ErrorEnvelope(
                ErrorCodes.PoolUnavailable, $"pool '{Id}' was drained: its deadline passed before the task finished", Retriable: true));
        }

        foreach (var task in expired)
        {
            task.TryFail(new ErrorEnvelope(
                ErrorCodes.DeadlineUnmet,
                $"deadline_ms {task.Spec.DeadlineMs} passed while the task was queued in pool '{Id}'",
                Retriable: true));
        }
        if (expired.Count > 0) Pump(); // as TryRemoveQueued: an expired task may have held a replica
        if (expired.Count > 0 || drained is not null) Signal();
        return expired.Count + (drained?.Count ?? 0);
    }

    /// <summary>The pool as admission-time placement weighs it (see <see cref="PoolPlacement"/>).</summary>
    internal PoolLoad LoadFor(PlacementSpec? placement, string? affineReplica)
    {
        var devices = _placement.Devices.Snapshot();
        lock (_gate)
        {
            var allowed = false;
            var affineFree = false;
            long? mostAvailable = null;
            double? fastest = null;
            foreach (var replica in _replicas)
            {
                if (!replica.Dispatchable || !(placement?.Allows(replica.Device) ?? true)) continue;
                allowed = true;
                if (replica.Id == affineReplica && replica.FreeSlots > 0) affineFree = true;
                if (replica.AvailableBytes(devices) is { } bytes) mostAvailable = Math.Max(mostAvailable ?? 0, bytes);
                if (replica.Speed.TokensPerSecond is { } tps) fastest = Math.Max(fastest ?? 0, tps);
            }
            var load = (double)(_dispatcher.Running.Count + _queue.Count) / Math.Max(_replicas.ReadySlots, 1);
            return new PoolLoad(allowed, new PlacementCandidate(Id, affineFree, _queue.HasRoom, load, mostAvailable, fastest));
        }
    }

    /// <summary>The engine of some ready serving replica, to ask about the model (token counts); null when none is ready.</summary>
    internal IEngineClient? AnyReadyClient()
    {
        lock (_gate) return _replicas.AnyReadyClient();
    }

    /// <summary>Called by the runner when a task releases its slot; a requeued task then goes back to the queue.</summary>
    internal void SlotReleased(OrchestratedTask task, string replicaId, TaskOutcome outcome)
    {
        lock (_gate)
        {
            ObservePredictionLocked(task, outcome);
            _dispatcher.Release(task, replicaId, outcome);
        }
        Signal();
        Pump();
    }

    /// <summary>Starts as many queued tasks as there are free slots (see <see cref="PoolDispatcher"/>).</summary>
    private void Pump()
    {
        var devices = _placement.Devices.Snapshot();
        List<PoolDispatcher.Dispatch>? dispatches;
        lock (_gate) dispatches = _dispatcher.Take(devices);
        if (dispatches is not null) _dispatcher.Start(dispatches);
        QueueMoved();
    }

    /// <summary>Completes when none of these replicas runs a task any more.</summary>
    public Task WaitIdleAsync(IReadOnlyCollection<string> replicaIds, CancellationToken cancellationToken) =>
        _changed.WaitUntilAsync(_gate, () => _replicas.AllIdle(replicaIds), cancellationToken);

    /// <summary>Completes when nothing is queued or running in the pool.</summary>
    public Task WaitEmptyAsync(CancellationToken cancellationToken) =>
        _changed.WaitUntilAsync(_gate, () => _queue.Count == 0 && _dispatcher.Running.Count == 0, cancellationToken);

    private void Signal() => _changed.Signal();
}

internal readonly record struct AdmitResult(Rejection? Rejection, long BackoffMs)
{
    public static AdmitResult Refused(Rejection rejection) => new(rejection, 0);

    public static AdmitResult Queued(long backoffMs) => new(null, backoffMs);
}

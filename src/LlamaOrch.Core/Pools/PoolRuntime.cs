using System.Globalization;
using LlamaOrch.Contracts.Errors;
using LlamaOrch.Contracts.Tasks;
using LlamaOrch.Core.Admission;
using LlamaOrch.Core.Engines;
using LlamaOrch.Core.Placement;
using LlamaOrch.Core.Scheduling;
using LlamaOrch.Core.Tasks;
using Microsoft.Extensions.Logging;

namespace LlamaOrch.Core.Pools;

/// <summary>
/// A pool at run time: its bounded queue, its replicas and their slots, and the dispatcher that joins
/// them. All state sits behind one lock per pool (never a global one); the dispatcher runs whenever
/// something changes (a task arrives, a slot frees, a replica becomes ready) rather than in a loop.
/// A reload adds incoming replicas beside the serving ones and switches over only once they are ready.
/// Replica health (unresponsive and hung engines, requeues) is in PoolRuntime.ReplicaHealth.cs.
/// </summary>
public sealed partial class PoolRuntime
{
    /// <summary>Above this share of capacity, admissions advise a backoff.</summary>
    private const double BackoffThreshold = 0.8;

    /// <summary>The advised backoff before any task has been observed: long enough not to hammer.</summary>
    private const long UnknownDrainBackoffMs = 1000;

    private readonly object _gate = new();
    private readonly TwoPriorityQueue<OrchestratedTask> _queue;
    private readonly List<ReplicaRuntime> _replicas = [];
    private readonly ServiceTimeTracker _serviceTimes = new();
    private readonly StartPrediction _startPrediction;
    private readonly TaskRunner _runner;
    private readonly TimeProvider _time;
    private readonly PlacementContext _placement;
    private readonly HashSet<OrchestratedTask> _running = [];
    private PoolConfig _config;
    private int _nextReplicaNumber;
    private long _dispatchSeq;
    private long? _drainDeadline;
    private int _queueDepth;
    private string? _lastError;
    private string? _stoppedReason;
    private bool _reloading;
    /// <summary>Created by the first waiter and completed by the next change; null while nobody waits.</summary>
    private TaskCompletionSource? _changed;

    public PoolRuntime(PoolConfig config, TaskRunner runner, TimeProvider time, PlacementContext? placement = null)
    {
        _config = config;
        _runner = runner;
        _time = time;
        _placement = placement ?? PlacementContext.Detached();
        _startPrediction = new StartPrediction(time);
        _queue = new TwoPriorityQueue<OrchestratedTask>(config.QueueCapacity, config.QueuePolicy);
        AddReplicasLocked(config.Model, ReplicaRole.Serving);
    }

    /// <summary>The pool's settings; after a reload, with the model it now serves.</summary>
    public PoolConfig Config => Volatile.Read(ref _config);

    public string Id => Config.Id;

    public int QueueDepth => Volatile.Read(ref _queueDepth);

    public static string ReplicaId(string poolId, int number) => $"{poolId}-r{number.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The largest per-slot context a task may ask for: the smallest any ready replica reports.</summary>
    public int CtxMax
    {
        get { lock (_gate) return CtxMaxLocked(); }
    }

    private int CtxMaxLocked()
    {
        var smallest = int.MaxValue;
        foreach (var replica in _replicas)
            if (replica.Dispatchable && replica.Facts is { } facts) smallest = Math.Min(smallest, facts.CtxPerSlot);
        return smallest == int.MaxValue ? Config.Ctx : smallest;
    }

    public bool IsDraining
    {
        get { lock (_gate) return _drainDeadline is not null; }
    }

    /// <summary>
    /// Stops admitting. Queued and running tasks carry on until <paramref name="deadline"/>; then
    /// <see cref="ExpireOverdue"/> ends what is left with an error frame. A second drain may only shorten it.
    /// </summary>
    public void Drain(TimeSpan deadline)
    {
        var at = _time.GetTimestamp() + (long)(deadline.TotalSeconds * _time.TimestampFrequency);
        lock (_gate) _drainDeadline = _drainDeadline is { } current ? Math.Min(current, at) : at;
        Signal();
    }

    /// <summary>Admits again after a drain; the replicas kept running, so the pool is ready at once.</summary>
    public bool Resume()
    {
        lock (_gate)
        {
            if (_drainDeadline is null || _stoppedReason is not null) return false;
            _drainDeadline = null;
            return true;
        }
    }

    /// <summary>Ready, or with a replica that is coming up (loading, downloading, restarting): tasks may queue.</summary>
    public bool CanTakeTasks
    {
        get { lock (_gate) return _startPrediction.RemainingLoadMs(_replicas) is not null; }
    }

    /// <summary>What each replica's engine is to be started with (the serving ones).</summary>
    public IReadOnlyList<ReplicaPlan> ServingPlans()
    {
        lock (_gate) return PlansLocked(ReplicaRole.Serving);
    }

    /// <summary>Queues the task or says why not. On success the task's admission fields are set.</summary>
    internal AdmitResult Admit(OrchestratedTask task)
    {
        OrchestratedTask? evicted = null;
        long backoffMs;
        lock (_gate)
        {
            // Placement saw the pool open under its own look; a drain since then must still refuse here. (A stopped
            // pool has no serving replica left, so the load check below refuses it with its reason.)
            if (_drainDeadline is not null)
                return AdmitResult.Refused(new Rejection(
                    ErrorCodes.PoolUnavailable, $"pool '{Id}' is draining: it admits no task until it is resumed", Retriable: false));

            // A pool whose replicas are still loading queues the task, like one that is busy: it starts once one is ready.
            if (_startPrediction.RemainingLoadMs(_replicas) is not { } loadMs)
                return AdmitResult.Refused(UnreadyRejectionLocked());

            var (predicted, measured) = PredictStartMsLocked(task, loadMs);
            // A guess (nothing measured yet) never refuses a task; a measured prediction may.
            if (measured && task.Spec.DeadlineMs > 0 && predicted > task.Spec.DeadlineMs)
                return AdmitResult.Refused(new Rejection(
                    ErrorCodes.DeadlineUnmet,
                    $"deadline_ms {task.Spec.DeadlineMs} cannot be met: pool '{Id}' predicts a start in {predicted} ms",
                    Retriable: true,
                    RetryAfterMs: RetryAfterMsLocked()));

            var result = _queue.TryEnqueue(task, task.Spec.Priority);
            if (!result.Accepted) return AdmitResult.Refused(QueueFullLocked());

            task.QueueNode = result.Node;
            task.AdmissionQueuePosition = result.Position;
            task.PredictedStartMs = predicted;
            evicted = result.Evicted;
            backoffMs = _queue.Count >= _queue.Capacity * BackoffThreshold ? RetryAfterMsLocked() : 0;
            UpdateDepthLocked();
        }

        evicted?.TryFail(new ErrorEnvelope(
            ErrorCodes.QueueFullDropLru,
            $"evicted from the full queue of pool '{Id}' by a newer task (drop-lru)",
            Retriable: true,
            RetryAfterMs: backoffMs,
            PolicyLabel: "drop-lru"));
        Pump();
        return AdmitResult.Queued(backoffMs);
    }

    /// <summary>
    /// Milliseconds until the task starts: the rest of the soonest replica load, then one service time per task
    /// that must finish first across the slots, measured, or guessed from decode speed before any task finished.
    /// <c>Measured</c> is false when any part of it is a guess.
    /// </summary>
    private (long Ms, bool Measured) PredictStartMsLocked(OrchestratedTask task, long loadMs)
    {
        var slots = loadMs == 0 ? ReadySlotsLocked() : _replicas.Where(r => r.CanComeUp).Sum(r => r.Slots);
        var free = loadMs == 0 ? FreeSlotsLocked() : slots;
        var waiting = _queue.AheadOf(task.Spec.Priority) + 1 - free;
        double? fastest = null;
        foreach (var replica in _replicas)
            if (replica.Speed.TokensPerSecond is { } tps) fastest = Math.Max(fastest ?? 0, tps);
        var priorServiceMs = StartPrediction.PriorServiceMs(fastest ?? Config.ExpectedTokensPerSecond, task.Spec.MaxTokens);
        var measured = (loadMs == 0 || _startPrediction.HasObservedLoad) && (waiting <= 0 || _serviceTimes.HasObservations);
        return (loadMs + _serviceTimes.PredictWaitMs(waiting, slots, priorServiceMs), measured);
    }

    internal bool TryRemoveQueued(OrchestratedTask task)
    {
        lock (_gate)
        {
            if (task.QueueNode is not { } node || !_queue.Remove(node)) return false;
            UpdateDepthLocked();
            return true;
        }
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
            if (_drainDeadline is { } drainAt && now >= drainAt && (_queue.Count > 0 || _running.Count > 0))
            {
                drained = [.. TakeQueuedLocked(), .. _running];
            }
            if (_queue.Count == 0 && drained is null) return 0;
            expired = _queue.RemoveWhere(t => t.DeadlineTimestamp is { } deadline && now >= deadline);
            UpdateDepthLocked();
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
        if (expired.Count > 0 || drained is not null) Signal();
        return expired.Count + (drained?.Count ?? 0);
    }

    public void ReplicaStarting(string replicaId, string device)
    {
        lock (_gate)
        {
            if (Find(replicaId) is not { } replica) return;
            replica.Starting = true;
            replica.StartingSince = _time.GetTimestamp();
            replica.Device = device;
        }
    }

    public void ReplicaReady(string replicaId, IEngineClient client, EngineFacts facts)
    {
        lock (_gate)
        {
            if (Find(replicaId) is not { } replica) return;
            if (replica.StartingSince is { } started) _startPrediction.ObserveLoad(started);
            replica.StartingSince = null;
            replica.CannotStart = false;
            replica.Starting = false;
            replica.Client = client;
            replica.Facts = facts;
            replica.Ready = true;
            replica.Unresponsive = null;
            replica.DownReason = null;
            replica.FirstOutcome.TrySetResult(null);
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
            if (Find(replicaId) is not { } replica) return;
            replica.Ready = false;
            replica.Starting = false;
            replica.StartingSince = null;
            replica.CannotStart = cannotStart;
            replica.Unresponsive = null;
            replica.DownReason = reason;
            replica.FirstOutcome.TrySetResult(reason);
            if (replica.Role == ReplicaRole.Serving) _lastError = $"replica {replica.Id}: {reason}";
            if (_queue.Count > 0 && _startPrediction.RemainingLoadMs(_replicas) is null)
            {
                stranded = TakeQueuedLocked();
                unready = UnreadyRejectionLocked();
            }
        }
        foreach (var task in stranded ?? [])
            task.TryFail(unready!.ToEnvelope(null) with { Engine = WireNames.Of(Config.Engine) });
        Signal();
    }

    /// <summary>
    /// Starts a reload to <paramref name="model"/>: incoming replicas are added (taking no task yet) and
    /// their plans returned for the supervisor to start. Null with a refusal while another reload runs.
    /// </summary>
    public IReadOnlyList<ReplicaPlan>? TryBeginReload(string model, out Rejection? refusal)
    {
        lock (_gate)
        {
            if (_reloading)
            {
                refusal = new Rejection(ErrorCodes.ReloadConflict, $"pool '{Id}' is already reloading; wait for it to finish", Retriable: true, RetryAfterMs: UnknownDrainBackoffMs);
                return null;
            }
            _reloading = true;
            refusal = null;
            AddReplicasLocked(model, ReplicaRole.Incoming);
            return PlansLocked(ReplicaRole.Incoming);
        }
    }

    /// <summary>Null once every incoming replica is ready; otherwise the first reason one of them went down.</summary>
    public async Task<string?> WaitIncomingAsync(CancellationToken cancellationToken)
    {
        List<Task<string?>> outcomes;
        lock (_gate) outcomes = _replicas.Where(r => r.Role == ReplicaRole.Incoming).Select(r => r.FirstOutcome.Task).ToList();
        while (outcomes.Count > 0)
        {
            var first = await Task.WhenAny(outcomes).WaitAsync(cancellationToken).ConfigureAwait(false);
            if (await first.ConfigureAwait(false) is { } failure) return failure;
            outcomes.Remove(first);
        }
        return null;
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
            var incoming = _replicas.Where(r => r.Role == ReplicaRole.Incoming).ToList();
            outgoing = [];
            foreach (var replica in _replicas)
            {
                if (replica.Role != ReplicaRole.Serving) continue;
                replica.Role = ReplicaRole.Outgoing;
                outgoing.Add(replica.Id);
            }
            foreach (var replica in incoming) replica.Role = ReplicaRole.Serving;
            Volatile.Write(ref _config, Config with { Model = incoming[0].Model });
            _reloading = false;
            _lastError = null;
            _stoppedReason = null;
            _drainDeadline = null;
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
            var incoming = _replicas.Where(r => r.Role == ReplicaRole.Incoming).Select(r => r.Id).ToList();
            foreach (var replica in _replicas.Where(r => r.Role == ReplicaRole.Incoming)) replica.Role = ReplicaRole.Outgoing;
            _reloading = false;
            return incoming;
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
            _stoppedReason = reason;
            var stopped = new List<string>();
            foreach (var replica in _replicas.Where(r => r.Role == ReplicaRole.Serving))
            {
                replica.Role = ReplicaRole.Outgoing;
                stopped.Add(replica.Id);
            }
            return stopped;
        }
    }

    /// <summary>Brings a stopped pool back with fresh serving replicas, admitting again; their plans are returned.</summary>
    public IReadOnlyList<ReplicaPlan> Restart()
    {
        lock (_gate)
        {
            _stoppedReason = null;
            _drainDeadline = null;
            if (_replicas.Any(r => r.Role == ReplicaRole.Serving)) return [];
            AddReplicasLocked(Config.Model, ReplicaRole.Serving);
            return PlansLocked(ReplicaRole.Serving);
        }
    }

    /// <summary>Whether the pool's model has been taken out of service (see <see cref="StopServing"/>).</summary>
    public bool IsStopped
    {
        get { lock (_gate) return _stoppedReason is not null; }
    }

    /// <summary>Completes when none of these replicas runs a task any more.</summary>
    public Task WaitIdleAsync(IReadOnlyCollection<string> replicaIds, CancellationToken cancellationToken) =>
        WaitUntilAsync(() => _replicas.Where(r => replicaIds.Contains(r.Id)).All(r => r.Busy == 0), cancellationToken);

    /// <summary>Completes when nothing is queued or running in the pool.</summary>
    public Task WaitEmptyAsync(CancellationToken cancellationToken) =>
        WaitUntilAsync(() => _queue.Count == 0 && _running.Count == 0, cancellationToken);

    /// <summary>Forgets replicas whose engines the supervisor has stopped.</summary>
    public void RemoveReplicas(IReadOnlyCollection<string> replicaIds)
    {
        lock (_gate) _replicas.RemoveAll(r => replicaIds.Contains(r.Id) && r.Role == ReplicaRole.Outgoing);
        Signal();
    }

    public PoolStatus Snapshot()
    {
        lock (_gate)
        {
            var serving = _replicas.Where(r => r.Role == ReplicaRole.Serving).ToList();
            return new PoolStatus(
                Id,
                Config.Model,
                serving.Any(r => r.Dispatchable),
                serving.Count(r => r.Dispatchable),
                serving.Count,
                _queue.Count,
                serving.Sum(r => r.Ready ? r.Busy : 0),
                ReadySlotsLocked(),
                _stoppedReason ?? _lastError,
                serving.FirstOrDefault(r => r.Facts is not null)?.Facts?.EngineVersion,
                serving.Any(r => r.Ready || r.Starting),
                CtxMaxLocked(),
                _drainDeadline is not null || _stoppedReason is not null,
                _reloading);
        }
    }

    /// <summary>Every replica of the pool, incoming and outgoing ones included.</summary>
    public IReadOnlyList<ReplicaStatus> Replicas()
    {
        lock (_gate)
        {
            return _replicas.Select(r => new ReplicaStatus(
                r.Id, Id, r.Model, r.Role, StateOf(r), r.Device, r.Slots, r.FreeSlots, r.Busy, r.Facts?.EngineVersion,
                r.Speed.TokensPerSecond, r.Speed.TimeToFirstTokenMs, r.Speed.Completed, r.Unresponsive ?? r.DownReason)).ToList();
        }
    }

    private static string StateOf(ReplicaRuntime replica) => replica switch
    {
        { Role: ReplicaRole.Outgoing } => "stopping",
        { Ready: true, Unresponsive: not null } => "unresponsive",
        { Ready: true, Role: ReplicaRole.Incoming } => "ready_incoming",
        { Ready: true } => "ready",
        { Starting: true } => "starting",
        { DownReason: not null } => "down",
        _ => "pending",
    };

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
                if (AvailableBytes(replica, devices) is { } bytes) mostAvailable = Math.Max(mostAvailable ?? 0, bytes);
                if (replica.Speed.TokensPerSecond is { } tps) fastest = Math.Max(fastest ?? 0, tps);
            }
            var load = (double)(_running.Count + _queue.Count) / Math.Max(ReadySlotsLocked(), 1);
            return new PoolLoad(allowed, affineFree, _queue.Count < _queue.Capacity, load, mostAvailable, fastest);
        }
    }

    /// <summary>The engine of some ready serving replica, to ask about the model (token counts); null when none is ready.</summary>
    internal IEngineClient? AnyReadyClient()
    {
        lock (_gate)
        {
            foreach (var replica in _replicas)
                if (replica.Dispatchable) return replica.Client;
            return null;
        }
    }

    /// <summary>Called by the runner when a task releases its slot; a requeued task then goes back to the queue.</summary>
    internal void SlotReleased(OrchestratedTask task, string replicaId, TaskOutcome outcome)
    {
        lock (_gate)
        {
            _running.Remove(task);
            if (Find(replicaId) is { } replica)
            {
                replica.Running.Remove(task);
                if (outcome.Completed) replica.Speed.Observe(outcome);
            }
            if (outcome.Completed) _serviceTimes.Observe(outcome.ServiceTime);
            if (task.TakeReturning()) RequeueAtHeadLocked(task);
        }
        Signal();
        Pump();
    }

    /// <summary>
    /// Starts as many queued tasks as there are free slots. Each task goes to the best replica it may use
    /// (see <see cref="Better"/>); a task restricted to devices with no free slot waits without holding
    /// back the tasks behind it.
    /// </summary>
    private void Pump()
    {
        List<(OrchestratedTask Task, ReplicaRuntime Replica, long Seq)>? starts = null;
        var devices = _placement.Devices.Snapshot();
        lock (_gate)
        {
            while (_queue.Count > 0 && FreeSlotsLocked() > 0)
            {
                ReplicaRuntime? chosen = null;
                var node = _queue.FirstMatching(t => (chosen = BestReplicaLocked(t, devices)) is not null);
                if (node is null || chosen is null) break;
                var task = node.Value;
                _queue.Remove(node);
                task.QueueNode = null;
                chosen.Running.Add(task);
                _running.Add(task);
                (starts ??= []).Add((task, chosen, ++_dispatchSeq));
            }
            if (starts is not null) UpdateDepthLocked();
        }

        if (starts is null) return;
        foreach (var (task, replica, seq) in starts)
        {
            var client = replica.Client!;
            var replicaId = replica.Id;
            _placement.Affinity.Remember(task.Spec.SessionId, replicaId);
            _placement.Counters.Count(PlacementOutcomes.Dispatched, task.Spec.Placement?.Mode == PlacementMode.Pin, fallback: false);
            _ = Task.Run(() => _runner.RunAsync(task, this, replicaId, client, seq));
        }
    }

    private ReplicaRuntime? BestReplicaLocked(OrchestratedTask task, IReadOnlyDictionary<string, long> devices)
    {
        var affine = _placement.Affinity.ReplicaOf(task.Spec.SessionId);
        ReplicaRuntime? best = null;
        foreach (var replica in _replicas)
        {
            if (replica.FreeSlots == 0 || !(task.Spec.Placement?.Allows(replica.Device) ?? true)) continue;
            if (best is null || Better(replica, best, affine, devices)) best = replica;
        }
        if (best is not null && _placement.Logger.IsEnabled(LogLevel.Debug)) LogDispatch(task, best, affine);
        return best;
    }

    /// <summary>
    /// The dispatch rules, in order: the session's last replica (its slot cache holds the prompt prefix),
    /// fewest busy slots, most free VRAM on its device, fastest measured decode, then id for a stable order.
    /// </summary>
    private static bool Better(ReplicaRuntime candidate, ReplicaRuntime best, string? affine, IReadOnlyDictionary<string, long> devices)
    {
        if ((candidate.Id == affine) != (best.Id == affine)) return candidate.Id == affine;
        if (candidate.Busy != best.Busy) return candidate.Busy < best.Busy;
        var candidateVram = AvailableBytes(candidate, devices);
        var bestVram = AvailableBytes(best, devices);
        if (candidateVram != bestVram) return (candidateVram ?? -1) > (bestVram ?? -1);
        var candidateTps = candidate.Speed.TokensPerSecond ?? 0;
        var bestTps = best.Speed.TokensPerSecond ?? 0;
        if (candidateTps != bestTps) return candidateTps > bestTps;
        return string.CompareOrdinal(candidate.Id, best.Id) < 0;
    }

    /// <summary>Free VRAM on the replica's device in this pass's snapshot; null on the CPU or before it is placed.</summary>
    private static long? AvailableBytes(ReplicaRuntime replica, IReadOnlyDictionary<string, long> devices) =>
        replica.Device is { } device && devices.TryGetValue(device, out var bytes) ? bytes : null;

    private void LogDispatch(OrchestratedTask task, ReplicaRuntime chosen, string? affine)
    {
        var candidates = string.Join("; ", _replicas.Where(r => r.Dispatchable).Select(r =>
            $"{r.Id} on {r.Device ?? "?"}: busy {r.Busy}/{r.Slots}" +
            (task.Spec.Placement?.Allows(r.Device) == false ? ", excluded by require_device_mask" : string.Empty) +
            (r.Id == affine ? ", session affinity" : string.Empty)));
        _placement.Logger.LogDebug(
            "Placement: task {TaskId} dispatched to {ReplicaId} in pool {PoolId}; rules affinity > fewest busy > most free VRAM > fastest > id; candidates: {Candidates}",
            task.Id, chosen.Id, Id, candidates);
    }

    private Rejection QueueFullLocked()
    {
        var retryAfterMs = RetryAfterMsLocked();
        return _queue.Policy == FullPolicy.Reject
            ? new Rejection(ErrorCodes.AdmissionReject, $"queue of pool '{Id}' is full ({_queue.Capacity} tasks)", true, retryAfterMs, "reject")
            : new Rejection(ErrorCodes.QueueFullDropLru, $"queue of pool '{Id}' is full ({_queue.Capacity} tasks) and holds no task of lower or equal priority to evict", true, retryAfterMs, "drop-lru");
    }

    /// <summary>One queue position frees each time a slot does: the pool's current drain interval.</summary>
    private long RetryAfterMsLocked() =>
        Math.Max(_serviceTimes.PredictWaitMs(1, ReadySlotsLocked()) ?? UnknownDrainBackoffMs, 1);

    /// <summary>The 503 for a pool with no ready replica, naming the pool and its last error.</summary>
    public Rejection UnreadyRejection()
    {
        lock (_gate) return UnreadyRejectionLocked();
    }

    private Rejection UnreadyRejectionLocked() => _stoppedReason is { } stopped
        ? new Rejection(ErrorCodes.PoolUnavailable, $"pool '{Id}' is stopped: {stopped}", Retriable: false)
        : new Rejection(
            ErrorCodes.PoolUnready,
            $"pool '{Id}' has no ready replica: {_lastError ?? "its replicas are starting"}",
            Retriable: true,
            RetryAfterMs: UnknownDrainBackoffMs);

    private void AddReplicasLocked(string model, ReplicaRole role)
    {
        for (var i = 0; i < Config.Replicas; i++)
            _replicas.Add(new ReplicaRuntime(ReplicaId(Config.Id, _nextReplicaNumber++), model, Config.Slots, role));
    }

    private List<ReplicaPlan> PlansLocked(ReplicaRole role)
    {
        var config = Config;
        return _replicas.Where(r => r.Role == role).Select(r => new ReplicaPlan(r.Id, r.Model, config with { Model = r.Model })).ToList();
    }

    private ReplicaRuntime? Find(string replicaId)
    {
        foreach (var replica in _replicas)
            if (replica.Id == replicaId) return replica;
        return null;
    }

    private int ReadySlotsLocked()
    {
        var slots = 0;
        foreach (var replica in _replicas)
            if (replica.Dispatchable) slots += replica.Slots;
        return slots;
    }

    private int FreeSlotsLocked()
    {
        var free = 0;
        foreach (var replica in _replicas) free += replica.FreeSlots;
        return free;
    }

    private void UpdateDepthLocked() => Volatile.Write(ref _queueDepth, _queue.Count);

    /// <summary>Empties the queue for the caller to end its tasks (drain deadline, no replica left, shutdown).</summary>
    private List<OrchestratedTask> TakeQueuedLocked()
    {
        var queued = _queue.RemoveWhere(_ => true);
        UpdateDepthLocked();
        return queued;
    }

    private async Task WaitUntilAsync(Func<bool> condition, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (condition()) return;
                if (Volatile.Read(ref _changed) is not { } pulse)
                {
                    pulse = NewPulse();
                    pulse = Interlocked.CompareExchange(ref _changed, pulse, null) ?? pulse;
                }
                changed = pulse.Task;
            }
            await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Wakes every <see cref="WaitUntilAsync"/> to look again; costs nothing while nobody waits (the usual case).</summary>
    private void Signal() => Interlocked.Exchange(ref _changed, null)?.TrySetResult();

    private static TaskCompletionSource NewPulse() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}

internal readonly record struct AdmitResult(Rejection? Rejection, long BackoffMs)
{
    public static AdmitResult Refused(Rejection rejection) => new(rejection, 0);

    public static AdmitResult Queued(long backoffMs) => new(null, backoffMs);
}

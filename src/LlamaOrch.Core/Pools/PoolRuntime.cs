using LlamaOrch.Contracts.Errors;
using LlamaOrch.Contracts.Tasks;
using LlamaOrch.Core.Admission;
using LlamaOrch.Core.Engines;
using LlamaOrch.Core.Scheduling;
using LlamaOrch.Core.Tasks;

namespace LlamaOrch.Core.Pools;

/// <summary>
/// A pool at run time: its bounded queue, its replicas and their slots, and the dispatcher that joins
/// them. All state sits behind one lock per pool (never a global one); the dispatcher runs whenever
/// something changes (a task arrives, a slot frees, a replica becomes ready) rather than in a loop.
/// </summary>
public sealed class PoolRuntime
{
    /// <summary>Above this share of capacity, admissions advise a backoff.</summary>
    private const double BackoffThreshold = 0.8;

    /// <summary>The advised backoff before any task has been observed: long enough not to hammer.</summary>
    private const long UnknownDrainBackoffMs = 1000;

    private readonly object _gate = new();
    private readonly TwoPriorityQueue<OrchestratedTask> _queue;
    private readonly ReplicaRuntime[] _replicas;
    private readonly ServiceTimeTracker _serviceTimes = new();
    private readonly TaskRunner _runner;
    private readonly TimeProvider _time;
    private readonly HashSet<OrchestratedTask> _running = [];
    private long _dispatchSeq;
    private long? _drainDeadline;
    private int _queueDepth;
    private string? _lastError;

    public PoolRuntime(PoolConfig config, TaskRunner runner, TimeProvider time)
    {
        Config = config;
        _runner = runner;
        _time = time;
        _queue = new TwoPriorityQueue<OrchestratedTask>(config.QueueCapacity, config.QueuePolicy);
        _replicas = new ReplicaRuntime[config.Replicas];
        for (var index = 0; index < config.Replicas; index++)
            _replicas[index] = new ReplicaRuntime(ReplicaId(config.Id, index), config.Slots);
    }

    public PoolConfig Config { get; }

    public string Id => Config.Id;

    public int QueueDepth => Volatile.Read(ref _queueDepth);

    public static string ReplicaId(string poolId, int index) => $"{poolId}-r{index}";

    /// <summary>The largest per-slot context a task may ask for: the smallest any ready replica reports.</summary>
    public int CtxMax
    {
        get { lock (_gate) return CtxMaxLocked(); }
    }

    private int CtxMaxLocked()
    {
        var reported = _replicas.Where(r => r.Ready && r.Facts is not null).Select(r => r.Facts!.CtxPerSlot).ToList();
        return reported.Count > 0 ? reported.Min() : Config.Ctx;
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
    }

    /// <summary>Whether the queue can take a task without evicting one.</summary>
    public bool HasRoom => QueueDepth < Config.QueueCapacity;

    public bool IsReady
    {
        get { lock (_gate) return _replicas.Any(r => r.Ready); }
    }

    /// <summary>Queues the task or says why not. On success the task's admission fields are set.</summary>
    internal AdmitResult Admit(OrchestratedTask task)
    {
        OrchestratedTask? evicted = null;
        long backoffMs;
        lock (_gate)
        {
            if (!_replicas.Any(r => r.Ready))
                return AdmitResult.Refused(UnreadyRejectionLocked());

            var readySlots = ReadySlotsLocked();
            var waiting = _queue.AheadOf(task.Spec.Priority) + 1 - FreeSlotsLocked();
            var predicted = _serviceTimes.PredictWaitMs(waiting, readySlots);
            if (task.Spec.DeadlineMs > 0 && predicted > task.Spec.DeadlineMs)
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
                drained = [.. _queue.RemoveWhere(_ => true), .. _running];
                UpdateDepthLocked();
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
        return expired.Count + (drained?.Count ?? 0);
    }

    public void ReplicaStarting(int index)
    {
        lock (_gate) _replicas[index].Starting = true;
    }

    public void ReplicaReady(int index, IEngineClient client, EngineFacts facts)
    {
        lock (_gate)
        {
            var replica = _replicas[index];
            replica.Starting = false;
            replica.Client = client;
            replica.Facts = facts;
            replica.Ready = true;
            // A recovered pool reports no error; while some replica is still down its error stays visible.
            if (_replicas.All(r => r.Ready)) _lastError = null;
        }
        Pump();
    }

    public void ReplicaDown(int index, string reason)
    {
        lock (_gate)
        {
            _replicas[index].Ready = false;
            _replicas[index].Starting = false;
            _lastError = $"replica {_replicas[index].Id}: {reason}";
        }
    }

    public PoolStatus Snapshot()
    {
        lock (_gate)
        {
            return new PoolStatus(
                Id,
                Config.Model,
                _replicas.Any(r => r.Ready),
                _replicas.Count(r => r.Ready),
                _replicas.Length,
                _queue.Count,
                _replicas.Sum(r => r.Ready ? r.Busy : 0),
                ReadySlotsLocked(),
                _lastError,
                _replicas.FirstOrDefault(r => r.Facts is not null)?.Facts?.EngineVersion,
                _replicas.Any(r => r.Ready || r.Starting),
                CtxMaxLocked(),
                _drainDeadline is not null);
        }
    }

    /// <summary>Called by the runner when a task releases its slot.</summary>
    internal void SlotReleased(OrchestratedTask task, string replicaId, TimeSpan serviceTime, bool completed)
    {
        lock (_gate)
        {
            _running.Remove(task);
            var replica = Array.Find(_replicas, r => r.Id == replicaId)!;
            replica.Busy = Math.Max(replica.Busy - 1, 0);
            if (completed) _serviceTimes.Observe(serviceTime);
        }
        Pump();
    }

    /// <summary>Starts as many queued tasks as there are free slots, least-busy replica first.</summary>
    private void Pump()
    {
        List<(OrchestratedTask Task, ReplicaRuntime Replica, long Seq)>? starts = null;
        lock (_gate)
        {
            while (_queue.Count > 0 && LeastBusyReadyLocked() is { } replica && _queue.TryDequeue(out var task))
            {
                task.QueueNode = null;
                replica.Busy++;
                _running.Add(task);
                (starts ??= []).Add((task, replica, ++_dispatchSeq));
            }
            if (starts is not null) UpdateDepthLocked();
        }

        if (starts is null) return;
        foreach (var (task, replica, seq) in starts)
        {
            var client = replica.Client!;
            var replicaId = replica.Id;
            _ = Task.Run(() => _runner.RunAsync(task, this, replicaId, client, seq));
        }
    }

    private ReplicaRuntime? LeastBusyReadyLocked()
    {
        ReplicaRuntime? best = null;
        foreach (var replica in _replicas)
        {
            if (replica.FreeSlots == 0) continue;
            if (best is null || replica.Busy < best.Busy) best = replica;
        }
        return best;
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

    private Rejection UnreadyRejectionLocked() => new(
        ErrorCodes.PoolUnready,
        $"pool '{Id}' has no ready replica: {_lastError ?? "its replicas are starting"}",
        Retriable: true,
        RetryAfterMs: UnknownDrainBackoffMs);

    private int ReadySlotsLocked() => _replicas.Sum(r => r.Ready ? r.Slots : 0);

    private int FreeSlotsLocked() => _replicas.Sum(r => r.FreeSlots);

    private void UpdateDepthLocked() => Volatile.Write(ref _queueDepth, _queue.Count);
}

internal readonly record struct AdmitResult(Rejection? Rejection, long BackoffMs)
{
    public static AdmitResult Refused(Rejection rejection) => new(rejection, 0);

    public static AdmitResult Queued(long backoffMs) => new(null, backoffMs);
}

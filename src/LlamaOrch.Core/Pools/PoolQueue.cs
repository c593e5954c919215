using LlamaOrch.Contracts.Errors;
using LlamaOrch.Contracts.Tasks;
using LlamaOrch.Core.Admission;
using LlamaOrch.Core.Scheduling;
using LlamaOrch.Core.Tasks;

namespace LlamaOrch.Core.Pools;

/// <summary>
/// A pool's waiting line: the bounded two-priority queue and what admission says about it, from the service
/// times the pool has measured: when a task will start, the advised backoff (Retry-After), the refusal of a
/// full queue. Not thread-safe: its pool's lock guards it; only <see cref="Depth"/> may be read without it.
/// </summary>
internal sealed class PoolQueue(string poolId, int capacity, FullPolicy policy)
{
    /// <summary>Above this share of capacity, admissions advise a backoff.</summary>
    private const double BackoffThreshold = 0.8;

    /// <summary>The advised backoff before any task has been observed: long enough not to hammer.</summary>
    public const long UnknownDrainBackoffMs = 1000;

    private readonly TwoPriorityQueue<OrchestratedTask> _queue = new(capacity, policy);
    private readonly ServiceTimeTracker _serviceTimes = new();
    private int _depth;
    private int _interactiveDepth;

    public int Count => _queue.Count;

    public bool HasRoom => _queue.Count < _queue.Capacity;

    /// <summary>A full queue refuses every newcomer (reject), rather than evicting one for it (drop-lru).</summary>
    public bool RefusesWhenFull => _queue.Policy == FullPolicy.Reject;

    /// <summary>How many tasks wait; readable without the pool's lock (metrics frames read it on every tick).</summary>
    public int Depth => Volatile.Read(ref _depth);

    /// <summary>How many tasks of this priority wait; readable without the pool's lock (a metrics scrape reads it).</summary>
    public int DepthOf(Priority priority)
    {
        // The two counts are written one after the other: a read between them may be off by one for a moment, never negative.
        var interactive = Volatile.Read(ref _interactiveDepth);
        return priority == Priority.Interactive ? interactive : Math.Max(0, Depth - interactive);
    }

    /// <summary>Queues the task at the tail of its priority and sets its admission fields; false when the queue is full.</summary>
    /// <param name="evicted">Under drop-lru, the older task that made room, for the caller to end outside the lock.</param>
    public bool TryEnqueue(OrchestratedTask task, long predictedStartMs, out OrchestratedTask? evicted)
    {
        var result = _queue.TryEnqueue(task, task.Spec.Priority, task.DeadlineTimestamp);
        evicted = result.Evicted;
        if (!result.Accepted) return false;
        task.QueueNode = result.Node;
        task.AdmissionQueuePosition = result.Position;
        task.PredictedStartMs = predictedStartMs;
        UpdateDepth();
        return true;
    }

    /// <summary>
    /// Queues a task given back by a hung replica first of its priority. It does not count against the
    /// capacity: it was admitted before the tasks now queued behind it.
    /// </summary>
    public void RequeueAtHead(OrchestratedTask task)
    {
        task.QueueNode = _queue.EnqueueFirst(task, task.Spec.Priority, task.DeadlineTimestamp);
        UpdateDepth();
    }

    public bool Remove(OrchestratedTask task)
    {
        if (task.QueueNode is not { } node || !_queue.Remove(node)) return false;
        task.QueueNode = null;
        UpdateDepth();
        return true;
    }

    /// <summary>The first queued task in dispatch order; a dispatch pass walks on with <see cref="Next"/>.</summary>
    public LinkedListNode<OrchestratedTask>? First => _queue.First;

    /// <summary>The task after <paramref name="node"/> in dispatch order; read it before taking <paramref name="node"/>.</summary>
    public LinkedListNode<OrchestratedTask>? Next(LinkedListNode<OrchestratedTask> node) => _queue.NextInDispatchOrder(node);

    /// <summary>Takes a queued task out by its handle, for a dispatch pass.</summary>
    public OrchestratedTask Take(LinkedListNode<OrchestratedTask> node)
    {
        _queue.Remove(node);
        node.Value.QueueNode = null;
        UpdateDepth();
        return node.Value;
    }

    /// <summary>Takes out the queued tasks whose deadline has passed at <paramref name="now"/>: nothing to look at while none is due.</summary>
    public List<OrchestratedTask> TakeOverdue(long now)
    {
        var overdue = _queue.RemoveDue(now);
        if (overdue.Count == 0) return overdue;
        foreach (var task in overdue) task.QueueNode = null;
        UpdateDepth();
        return overdue;
    }

    /// <summary>Empties the queue for the caller to end its tasks (drain deadline, no replica left, shutdown).</summary>
    public List<OrchestratedTask> TakeAll()
    {
        var queued = _queue.RemoveWhere(_ => true);
        UpdateDepth();
        return queued;
    }

    public void ObserveService(TimeSpan serviceTime) => _serviceTimes.Observe(serviceTime);

    /// <summary>
    /// Milliseconds until a task of <paramref name="spec"/> starts: <paramref name="loadMs"/> (the rest of the soonest
    /// replica load), then one service time per task that must finish first across <paramref name="slots"/>,
    /// measured, or guessed from <paramref name="tokensPerSecond"/> before any task finished. <c>Measured</c> is
    /// false when any part of it is a guess (<paramref name="loadMeasured"/> says whether the load part is one).
    /// </summary>
    public (long Ms, bool Measured) PredictStartMs(TaskSpec spec, long loadMs, bool loadMeasured, int slots, int free, double? tokensPerSecond) =>
        PredictStartMs(_queue.AheadOf(spec.Priority), spec.MaxTokens, loadMs, loadMeasured, slots, free, tokensPerSecond);

    /// <summary>As above, for a task with <paramref name="ahead"/> tasks queued before it (one already in the queue).</summary>
    public (long Ms, bool Measured) PredictStartMs(int ahead, int? maxTokens, long loadMs, bool loadMeasured, int slots, int free, double? tokensPerSecond)
    {
        var waiting = ahead + 1 - free;
        var priorServiceMs = StartPrediction.PriorServiceMs(tokensPerSecond, maxTokens);
        var measured = loadMeasured && (waiting <= 0 || _serviceTimes.HasObservations);
        return (loadMs + _serviceTimes.PredictWaitMs(waiting, slots, priorServiceMs), measured);
    }

    /// <summary>The queued tasks in dispatch order, with their place within their priority and how many wait before them.</summary>
    public IEnumerable<(OrchestratedTask Task, int Position, int Ahead)> InDispatchOrder() => _queue.InDispatchOrder();

    /// <summary>The backoff to advise with an accepted task: none until the queue is nearly full.</summary>
    public long AdvisedBackoffMs(int readySlots) => _queue.Count >= _queue.Capacity * BackoffThreshold ? RetryAfterMs(readySlots) : 0;

    /// <summary>One queue position frees each time a slot does: the pool's current drain interval.</summary>
    public long RetryAfterMs(int readySlots) =>
        Math.Max(_serviceTimes.PredictWaitMs(1, readySlots) ?? UnknownDrainBackoffMs, 1);

    public Rejection Full(int readySlots)
    {
        var retryAfterMs = RetryAfterMs(readySlots);
        return RefusesWhenFull
            ? new Rejection(ErrorCodes.AdmissionReject, _fullMessage, true, retryAfterMs, "reject")
            : new Rejection(ErrorCodes.QueueFullDropLru, _fullMessage + " and holds no task of lower or equal priority to evict", true, retryAfterMs, "drop-lru");
    }

    /// <summary>Made once: a flood of 429s would otherwise format it for every answer.</summary>
    private readonly string _fullMessage = $"queue of pool '{poolId}' is full ({capacity} tasks)";

    private void UpdateDepth()
    {
        Volatile.Write(ref _interactiveDepth, _queue.AheadOf(Priority.Interactive));
        Volatile.Write(ref _depth, _queue.Count);
    }
}

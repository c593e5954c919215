using LlamaOrch.Contracts.Errors;
using LlamaOrch.Contracts.Tasks;
using LlamaOrch.Core.Admission;
using LlamaOrch.Core.Budgets;
using LlamaOrch.Core.Engines;
using LlamaOrch.Core.Pools;
using LlamaOrch.Core.Sessions;
using LlamaOrch.Core.Telemetry;

namespace LlamaOrch.Core.Tasks;

/// <summary>
/// One admitted task: its state machine and its event log. Every state change and every event append
/// happens under this task's own lock, which is what makes cancel race-free: once <see cref="Cancel"/>
/// returns, no token event can be appended. A task runs once, or twice when its first replica hung before
/// it produced anything (<see cref="TryRequeue"/>); each run has its own cancellation.
/// </summary>
public sealed class OrchestratedTask
{
    private readonly TimeProvider _time;
    /// <summary>The correlation id when it is a uuid in its canonical form (what the server makes when the client sent none), else empty.</summary>
    private readonly Guid _correlationUuid;
    /// <summary>Any other correlation id as the client sent it; null when <see cref="_correlationUuid"/> holds it.</summary>
    private readonly string? _correlationText;
    private readonly TraceParentBytes _traceParent;
    /// <summary>The seed of every run: 0 to <see cref="uint.MaxValue"/> whether the client sent it or the task id gave it.</summary>
    private readonly uint _seed;
    /// <summary>The store that holds the task: told when it finishes, so that it forgets tasks in finishing order.</summary>
    private TaskStore? _store;
    /// <summary>
    /// What <see cref="PredictedStartMs"/> and <see cref="FinishedTimestamp"/> hold for "none": a long beside a flag, as a
    /// <c>long?</c> is, takes 16 bytes, where this value, which neither can take, costs nothing.
    /// </summary>
    private const long None = long.MinValue;
    private long _predictedStartMs = None;
    private long _finishedTimestamp = None;
    /// <summary>
    /// Aborts the current run's engine request; made when the task first starts (a queued task holds none) and anew
    /// when a requeued task starts again. Null until then: a cancel before any start has no run to abort.
    /// </summary>
    private CancellationTokenSource? _run;
    private long _startedTimestamp;
    /// <summary>The replica of the current run, for the metrics of a cancel; null before the first start.</summary>
    private string? _replicaId;
    private int _tokensOut;
    /// <summary>The prompt's tokens once the engine has said (with its first token); 0 before.</summary>
    private int _tokensIn;
    /// <summary>The session that counts this task as unfinished (<see cref="AttachSession"/>), until it ends.</summary>
    private SessionRecord? _session;
    /// <summary>A token or result event was appended: the task can no longer be requeued.</summary>
    private bool _produced;
    /// <summary>Put back once already; never twice.</summary>
    private bool _requeued;
    /// <summary>Requeued, while its old run still holds the replica's slot (see <see cref="TakeReturning"/>).</summary>
    private bool _returning;

    internal OrchestratedTask(TaskSpec spec, string correlationId, PoolRuntime pool, TimeProvider time)
    {
        // Before the task is stored or queued, so that no other thread reads the spec meanwhile.
        spec.ShareStrings(pool.Sessions.SharedId(spec.SessionId), pool.Config.Model);
        Spec = spec;
        _seed = spec.Seed is { } requested ? checked((uint)requested) : TaskSeed.FromTaskId(spec.TaskId);
        // A uuid string is 94 bytes; its 16 are enough when it formats back to the very same text.
        if (Guid.TryParseExact(correlationId, "D", out var uuid) && IsCanonical(uuid, correlationId)) _correlationUuid = uuid;
        else _correlationText = correlationId;
        Pool = pool;
        _time = time;
        AdmittedTimestamp = time.GetTimestamp();
        Log = new TaskEventLog(gate: null, ExpectedEvents(spec));
    }

    /// <summary>The task's lock: its own event log, an object no one outside the task locks, so a task needs no lock object of its own.</summary>
    private object Gate => Log;

    public TaskSpec Spec { get; }

    public string Id => Spec.TaskId;

    /// <summary>The seed the client sent, or the one its task id gives: the same task id always reproduces its stream.</summary>
    public long Seed => _seed;

    /// <summary>The request's <c>X-Correlation-Id</c>, or the uuid the server made for it; formatted anew from its uuid on each read (a few per run).</summary>
    public string CorrelationId => _correlationText ?? _correlationUuid.ToString("D");

    /// <summary>The span of the request that admitted the task: its queue wait and every run hang under it (default when nothing traced it).</summary>
    internal System.Diagnostics.ActivityContext TraceParent
    {
        get => _traceParent.Context;
        init => _traceParent = new TraceParentBytes(value);
    }

    internal PoolRuntime Pool { get; }

    /// <summary>What it holds of its session's budget, settled when it ends; null while budgets are off.</summary>
    public BudgetReservation? Budget { get; init; }

    public string PoolId => Pool.Id;

    internal TaskEventLog Log { get; }

    /// <summary>The task's events from index <paramref name="from"/> on in a door's framing; see <see cref="TaskEventLog.ReadEncodedAsync"/>.</summary>
    public ValueTask<(int Next, bool Closed, ReadOnlyMemory<byte> Frames)> ReadEncodedAsync(int from, ITaskEventEncoder door) =>
        Log.ReadEncodedAsync(from, door);

    /// <summary>Copies the task's events from index <paramref name="from"/> on; see <see cref="TaskEventLog.ReadEventsAsync"/>.</summary>
    public ValueTask<(int Next, bool Closed)> ReadEventsAsync(int from, List<TaskEventRecord> sink) => Log.ReadEventsAsync(from, sink);

    internal long AdmittedTimestamp { get; }

    /// <summary>Timestamp after which a queued task is dropped; null without a deadline.</summary>
    internal long? DeadlineTimestamp =>
        Spec.DeadlineMs > 0 ? AdmittedTimestamp + (long)(Spec.DeadlineMs / 1000.0 * _time.TimestampFrequency) : null;

    internal LinkedListNode<OrchestratedTask>? QueueNode { get; set; }

    public int AdmissionQueuePosition { get; internal set; }

    public long? PredictedStartMs
    {
        get => _predictedStartMs == None ? null : _predictedStartMs;
        internal set => _predictedStartMs = value ?? None;
    }

    /// <summary>The engine slot of its current run and why that one; set under the pool's lock when it is dispatched.</summary>
    internal (int Slot, SlotWarmth Warmth) EngineSlot { get; set; } = (EngineCompletionRequest.AnySlot, SlotWarmth.Cold);

    /// <summary>The queue position the task's last queued <c>metrics</c> frame gave; −1 before any. The pool's lock guards it.</summary>
    internal int ReportedPosition { get; set; } = -1;

    /// <summary>Milliseconds left until the deadline, never negative; null without one.</summary>
    internal long? DeadlineRemainingMs =>
        DeadlineTimestamp is { } deadline ? Math.Max(0, (long)_time.GetElapsedTime(_time.GetTimestamp(), deadline).TotalMilliseconds) : null;

    /// <summary>Whether the task was put back in the queue once (it then runs a second time, on another replica).</summary>
    internal bool WasRequeued
    {
        get { lock (Gate) return _requeued; }
    }

    public TaskState State
    {
        get { lock (Gate) return _state; }
    }

    private TaskState _state = TaskState.Queued;
    /// <summary>Its pool took it: only then do the store's lookups find it (see <see cref="TaskStore.TryAdd"/>).</summary>
    private volatile bool _admitted;

    /// <summary>When the task reached a terminal state (a timestamp), for retention.</summary>
    internal long? FinishedTimestamp => _finishedTimestamp == None ? null : _finishedTimestamp;

    internal void StoredIn(TaskStore store) => _store = store;

    internal bool IsAdmitted => _admitted;

    /// <summary>Its pool took it (queued or dispatched): from now on the store's lookups by its id find it.</summary>
    internal void MarkAdmitted() => _admitted = true;

    /// <summary>
    /// Starts a run; <paramref name="run"/> is cancelled when that run must stop (cancel, drain, shutdown,
    /// requeue). A requeued task starting again writes no second <c>started</c>: its stream already has one.
    /// </summary>
    internal bool TryStart(string replicaId, Func<StartedFrame> frame, out CancellationToken run)
    {
        lock (Gate)
        {
            run = default;
            if (_state != TaskState.Queued || _returning) return false;
            _state = TaskState.Running;
            _replicaId = replicaId;
            // A requeued task's first run was cancelled by the requeue: every run gets its own.
            _run = new CancellationTokenSource();
            if (!_requeued)
            {
                _startedTimestamp = _time.GetTimestamp();
                Append(TaskEventKind.Started, frame(), close: false);
            }
            run = _run.Token;
            return true;
        }
    }

    /// <summary>
    /// A run has returned its slot. A finished task lets go of the run's cancellation source: a linked source's
    /// registration leaves a callback list on it (some 200 bytes) that a retained task would otherwise keep for its
    /// whole retention. A requeued task keeps it until its next start replaces it.
    /// </summary>
    internal void RunEnded()
    {
        lock (Gate)
        {
            if (IsTerminal(_state)) _run = null;
        }
    }

    /// <summary>
    /// Takes a running task off a replica that hung, if it has produced nothing yet and was never requeued:
    /// a <c>metrics</c> frame says why, the run's engine request is aborted, and the task is Queued again. The
    /// pool puts it back at the head of its priority once the old run has given the slot back.
    /// </summary>
    internal bool TryRequeue(string reason)
    {
        CancellationTokenSource run;
        lock (Gate)
        {
            if (_state != TaskState.Running || _produced || _requeued) return false;
            _state = TaskState.Queued;
            _requeued = true;
            _returning = true;
            var ranMs = (long)_time.GetElapsedTime(_startedTimestamp).TotalMilliseconds;
            Append(TaskEventKind.Metrics, new MetricsFrame(Pool.QueueDepth, _tokensOut, ranMs, null, DeadlineRemainingMs, Requeued: reason), close: false);
            run = _run!;
        }
        run.Cancel();
        return true;
    }

    /// <summary>True once for a requeued task whose old run let go of its slot, unless it ended meanwhile: queue it again.</summary>
    internal bool TakeReturning()
    {
        lock (Gate)
        {
            if (!_returning) return false;
            _returning = false;
            return _state == TaskState.Queued;
        }
    }

    /// <summary>Appends a token event; false once the task is no longer running (for example cancelled).</summary>
    internal bool TryAppendToken(string text)
    {
        lock (Gate)
        {
            if (_state != TaskState.Running) return false;
            _produced = true;
            Log.AppendTokenLocked(text, _tokensOut++).Wake();
            return true;
        }
    }

    /// <summary>Appends the vector of one input of an embedding task; false once the task has stopped running.</summary>
    internal bool TryAppendEmbedding(EmbeddingFrame frame) => TryAppendResult(TaskEventKind.Embedding, frame);

    /// <summary>Appends the score of one input of a rerank task; false once the task has stopped running.</summary>
    internal bool TryAppendScore(ScoreFrame frame) => TryAppendResult(TaskEventKind.Score, frame);

    private bool TryAppendResult(TaskEventKind kind, object frame)
    {
        lock (Gate)
        {
            if (_state != TaskState.Running) return false;
            _produced = true;
            Append(kind, frame, close: false);
            return true;
        }
    }

    internal int TokensOut
    {
        get { lock (Gate) return _tokensOut; }
    }

    /// <summary>The prompt's tokens as the engine counted them before its final frame; 0 while it has not said.</summary>
    internal int TokensIn
    {
        get { lock (Gate) return _tokensIn; }
    }

    internal void NotePromptTokens(int tokens)
    {
        lock (Gate) _tokensIn = tokens;
    }

    /// <summary>The session this task was admitted into, while the task has not ended.</summary>
    internal SessionRecord? Session
    {
        get { lock (Gate) return _session; }
    }

    /// <summary>
    /// Ties the task to the session that counted it at admission, which hears of its end; false when it has ended
    /// already (a cancel or an eviction between its queueing and this call), and then the caller tells the session.
    /// </summary>
    internal bool AttachSession(SessionRecord session)
    {
        lock (Gate)
        {
            if (IsTerminal(_state)) return false;
            _session = session;
            return true;
        }
    }

    /// <summary>Appends a queued task's <c>metrics</c> frame; nothing once it started or ended (the frame is then stale).</summary>
    internal void TryAppendQueuedMetrics(QueuedProgress frame)
    {
        lock (Gate)
        {
            if (_state == TaskState.Queued && !_returning) Append(TaskEventKind.Metrics, frame, close: false);
        }
    }

    internal void TryAppendMetrics(MetricsFrame frame)
    {
        lock (Gate)
        {
            if (_state == TaskState.Running) Append(TaskEventKind.Metrics, frame, close: false);
        }
    }

    internal bool TryEnd(EndFrame frame) => TryFinish(frame.Canceled ? TaskState.Canceled : TaskState.Completed, TaskEventKind.End, frame);

    internal bool TryFail(ErrorEnvelope error) => TryFinish(TaskState.Failed, TaskEventKind.Error, error);

    /// <summary>Ends the task with an error event and aborts its engine request, if it had not finished.</summary>
    internal bool FailAndAbort(ErrorEnvelope error)
    {
        if (!TryFail(error)) return false;
        CurrentRun?.Cancel();
        return true;
    }

    /// <summary>
    /// Cancels the task: a queued task leaves its queue, a running task's engine request is aborted. The
    /// stream ends with <c>end</c> marked canceled. False when the task had already finished.
    /// </summary>
    public bool Cancel()
    {
        bool wasQueued;
        string? replicaId;
        SessionRecord? session;
        lock (Gate)
        {
            if (IsTerminal(_state)) return false;
            wasQueued = _state == TaskState.Queued;
            replicaId = _replicaId;
            var decodeMs = wasQueued ? 0 : (long)_time.GetElapsedTime(_startedTimestamp).TotalMilliseconds;
            session = FinishLocked(TaskState.Canceled, TaskEventKind.End, new EndFrame(_tokensOut, _tokensIn, decodeMs, Canceled: true, StopReason: "canceled"));
        }

        if (session is not null) Pool.Sessions.TaskEnded(session);
        CurrentRun?.Cancel();
        if (wasQueued) Pool.TryRemoveQueued(this);
        Pool.Metrics.TaskCanceled(Pool.MetricLabels, wasQueued ? string.Empty : replicaId!, CancelReasons.Client);
        return true;
    }

    private CancellationTokenSource? CurrentRun
    {
        get { lock (Gate) return _run; }
    }

    private bool TryFinish(TaskState state, TaskEventKind kind, object last)
    {
        SessionRecord? session;
        lock (Gate)
        {
            if (IsTerminal(_state)) return false;
            session = FinishLocked(state, kind, last);
        }
        if (session is not null) Pool.Sessions.TaskEnded(session);
        return true;
    }

    /// <summary>Ends the task; returns its session, which the caller tells once this lock is released.</summary>
    private SessionRecord? FinishLocked(TaskState state, TaskEventKind kind, object last)
    {
        _state = state;
        _finishedTimestamp = _time.GetTimestamp();
        _store?.Finished(this);
        // Charged from the very frame the stream ends with, so a session's charges add up to its streams' counts; and
        // before that frame is written, so a client that has read it finds the charge in the session already.
        // The ledger's lock takes no other lock, so taking it under this one cannot deadlock.
        try
        {
            if (Budget is { } budget)
            {
                var runMs = _replicaId is null ? 0 : (long)_time.GetElapsedTime(_startedTimestamp, _finishedTimestamp).TotalMilliseconds;
                var (tokensIn, tokensOut) = last switch
                {
                    EndFrame end => (end.TokensIn, end.TokensOut),
                    ErrorEnvelope { TokensOut: { } partial } error => (error.TokensIn ?? 0, partial),
                    _ => (0, _tokensOut),
                };
                budget.Settle(tokensIn, tokensOut, runMs);
            }
        }
        finally
        {
            // Whatever the charge did, the task has ended: its stream must end too, or its readers wait for ever.
            Append(kind, last, close: true);
        }
        var session = _session;
        _session = null; // a retained task does not keep its session's record alive
        return session;
    }

    private void Append(TaskEventKind kind, object payload, bool close)
    {
        // Releasing waiters while holding the lock is safe: they run their continuations asynchronously.
        Log.AppendLocked(kind, payload, close).Wake();
    }

    /// <summary>
    /// About how many events the task will log: one per token or input, plus started, a metrics and the end.
    /// Capped, because a task may ask for far more tokens than it gets and a running task holds what is reserved (a long
    /// generation grows past it by doubling).
    /// </summary>
    private static int ExpectedEvents(TaskSpec spec) => Math.Min(spec.Inputs?.Count ?? spec.MaxTokens ?? 16, 256) + 3;

    private static bool IsCanonical(Guid uuid, string text)
    {
        Span<char> canonical = stackalloc char[36];
        return uuid.TryFormat(canonical, out _, "D") && canonical.SequenceEqual(text);
    }

    private static bool IsTerminal(TaskState state) => state is TaskState.Completed or TaskState.Failed or TaskState.Canceled;
}

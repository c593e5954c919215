using LlamaOrch.Contracts.Sessions;
using LlamaOrch.Core.Budgets;
using LlamaOrch.Core.Pools;
using LlamaOrch.Core.Tasks;

namespace LlamaOrch.Core.Sessions;

/// <summary>
/// The sessions tasks have named: how many turns each had, what its prompts cost, and which replica and engine slot
/// hold its KV cache, so that placement can send its next turn back there and a client can read or drop it. In memory
/// only: a restart forgets every session (and the engines' caches go with their processes anyway). A session ends
/// after <see cref="IdleTtl"/> without a task (one queued or running keeps it), or when deleted; past
/// <see cref="Capacity"/> sessions the longest idle one is forgotten first.
/// </summary>
public sealed class SessionRegistry
{
    private readonly Dictionary<string, SessionRecord> _sessions = new(StringComparer.Ordinal);
    /// <summary>
    /// The ends of the chain of sessions by last use (<see cref="SessionRecord.Older"/>, <see cref="SessionRecord.Newer"/>),
    /// least recently used first, so that the one to forget when full is found at once. The links live in the records:
    /// a list node of its own per session would be 48 bytes more.
    /// </summary>
    private SessionRecord? _oldest;
    private SessionRecord? _newest;
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly BudgetPolicy _budgets;

    /// <param name="maxTurns">Turns a session may have; 0 for unlimited (Orchestrator:Sessions:MaxTurns).</param>
    internal SessionRegistry(TimeProvider time, TimeSpan idleTtl, int capacity = 65_536, BudgetPolicy? budgets = null, int maxTurns = 0)
    {
        _time = time;
        IdleTtl = idleTtl;
        Capacity = capacity;
        _budgets = budgets ?? BudgetPolicy.Off;
        MaxTurns = maxTurns;
    }

    /// <summary>Turns a session may have before its tasks are refused; 0 for unlimited.</summary>
    public int MaxTurns { get; }

    public BudgetMode BudgetMode => _budgets.Mode;

    public TimeSpan IdleTtl { get; }

    public int Capacity { get; }

    /// <summary>
    /// A task of the session was admitted: the session starts now, or its idle time starts again, and it counts the task
    /// as unfinished until <see cref="TaskEnded"/>. Returns the session the task belongs to.
    /// </summary>
    internal SessionRecord Admitted(string sessionId)
    {
        lock (_gate)
        {
            var session = Touch(sessionId);
            session.Unfinished++;
            return session;
        }
    }

    /// <summary>An admitted task of <paramref name="session"/> ended, whichever way: the session's idle time starts now.</summary>
    internal void TaskEnded(SessionRecord session)
    {
        lock (_gate)
        {
            session.Unfinished--;
            if (IsRegistered(session)) Refresh(session, _time.GetTimestamp());
        }
    }

    /// <summary>The registry's own instance of the session's id, so that its tasks need no copy each; the id itself when the session is new.</summary>
    internal string SharedId(string sessionId)
    {
        lock (_gate) return _sessions.TryGetValue(sessionId, out var session) ? session.Id : sessionId;
    }

    /// <summary>Whether the session has had <see cref="MaxTurns"/> turns; false when unlimited or for a new session.</summary>
    internal bool TurnLimitReached(string sessionId)
    {
        if (MaxTurns == 0) return false;
        lock (_gate) return Live(sessionId)?.Turns >= MaxTurns;
    }

    /// <summary>
    /// The session's budget ledger for a submission to reserve from, starting the session (provisionally) if need be;
    /// null while budgets are off. Every call that returns a ledger is answered by <see cref="AdmissionAnswered"/>.
    /// </summary>
    internal SessionBudget? BudgetOf(string sessionId)
    {
        if (_budgets.Mode == BudgetMode.Off) return null;
        lock (_gate)
        {
            var session = Touch(sessionId, provisional: true);
            session.Admitting++;
            return session.Budget;
        }
    }

    /// <summary>
    /// A submission that looked up the session's budget was admitted (<see cref="Admitted"/> came first) or refused. A
    /// session that only such lookups made, none of them admitted, is forgotten with the last: a refused task leaves no
    /// trace, and a flood of refused submissions with new session ids does not push live sessions out.
    /// </summary>
    internal void AdmissionAnswered(string sessionId)
    {
        lock (_gate)
        {
            if (!_sessions.TryGetValue(sessionId, out var session)) return;
            session.Admitting--;
            if (session is { Provisional: true, Admitting: <= 0 }) Forget(session);
        }
    }

    /// <summary>Sets the session's budget, starting the session if need be, and answers its report.</summary>
    public SessionResponse SetBudget(string sessionId, BudgetLimits limits)
    {
        lock (_gate) Touch(sessionId).Budget!.SetLimits(limits);
        return Find(sessionId)!;
    }

    /// <summary>The replica the session last ran on, for placement's affinity rule; null for a new or ended session.</summary>
    internal string? ReplicaOf(string sessionId)
    {
        lock (_gate) return Live(sessionId)?.ReplicaId;
    }

    /// <summary>
    /// A task of the session was dispatched to the replica; nothing for a session that ended since the task's admission
    /// (deleted). A dispatch can come before its admission has counted the task (<see cref="Admitted"/>): the session
    /// starts here then.
    /// </summary>
    internal void Dispatched(OrchestratedTask task, string replicaId)
    {
        var own = task.Session; // read before this lock: the task's lock is never taken under it
        lock (_gate)
        {
            SessionRecord session;
            if (own is null) session = Touch(task.Spec.SessionId);
            else if (IsRegistered(own)) Refresh(session = own, _time.GetTimestamp());
            else return;
            session.ReplicaId = replicaId;
        }
    }

    /// <summary>
    /// A turn finished normally in <paramref name="slot"/>: its counts, and the KV it left there. False when its session
    /// ended while the turn ran (deleted, or forgotten for room): nothing is recorded, and the caller erases the slot,
    /// as deleting the session promised for a turn still running.
    /// </summary>
    internal bool TurnEnded(OrchestratedTask task, PoolRuntime pool, string replicaId, int slot, SessionTurn turn, long kvBytesPerToken)
    {
        var own = task.Session; // read before this lock: the task's lock is never taken under it
        lock (_gate)
        {
            // The task's own session: a session deleted during the turn and started again by a later task is another one.
            var session = own ?? Live(task.Spec.SessionId);
            if (session is null || !IsRegistered(session)) return false;
            Refresh(session, _time.GetTimestamp());
            session.AddTurn(turn);
            // The slot holds the prompt and all the reply but its last token, which was never fed back.
            var conversation = turn.TokensIn + turn.TokensOut;
            session.Kv = slot < 0 ? null : new SessionKv(pool, replicaId, slot, Math.Max(conversation - 1, 0), conversation, kvBytesPerToken);
            return true;
        }
    }

    /// <summary>The session's report; null when it is unknown or has ended.</summary>
    public SessionResponse? Find(string sessionId)
    {
        SessionRecord? session;
        SessionKv? kv;
        SessionResponse report;
        lock (_gate)
        {
            session = Live(sessionId);
            if (session is null) return null;
            kv = session.Kv;
            var idle = _time.GetElapsedTime(session.LastUse);
            report = new SessionResponse(
                session.Id,
                TtlMsRemaining: Math.Max(0, (long)(IdleTtl - idle).TotalMilliseconds),
                session.Turns,
                KvBytes: 0,
                KvWarmth: 0,
                session.TokensIn,
                session.TokensCached,
                session.TokensOut,
                [.. session.Recent.Select(t => new SessionTurnReport(t.TokensIn, t.TokensCached, t.TokensOut, WireNames.Of(t.Warmth)))]);
            if (session.Budget is { } budget)
            {
                var left = budget.Remaining();
                report = report with
                {
                    BudgetMode = WireNames.Of(budget.Mode),
                    TokensBudgetRemaining = left.Tokens,
                    TimeBudgetRemainingMs = left.TimeMs,
                    CostBudgetRemaining = left.Cost,
                };
            }
        }

        // Whether the slot still holds it is the pool's to say (another session's turn may have taken it since).
        if (kv is null || !kv.Pool.SlotHolds(kv.ReplicaId, kv.Slot, sessionId)) return report;
        return report with
        {
            PoolId = kv.Pool.Id,
            ReplicaId = kv.ReplicaId,
            Slot = kv.Slot,
            KvBytes = kv.Tokens * kv.BytesPerToken,
            KvWarmth = kv.Conversation > 0 ? Math.Round((double)kv.Tokens / kv.Conversation, 4) : 0,
        };
    }

    /// <summary>
    /// Ends the session and empties the engine slot that holds its KV, if one still does. False for an unknown session.
    /// The engine erases a busy slot once its completion ends. An engine that cannot be reached has lost its cache with
    /// its process; one that refuses to erase is the caller's to report (the session has ended either way).
    /// </summary>
    /// <exception cref="Engines.EngineFailureException">The engine answered the erase with an error.</exception>
    public async Task<bool> DeleteAsync(string sessionId, CancellationToken cancellationToken)
    {
        SessionKv? kv;
        lock (_gate)
        {
            var session = Live(sessionId);
            if (session is null) return false;
            Forget(session);
            kv = session.Kv;
        }

        if (kv is null || kv.Pool.ForgetSessionSlot(kv.ReplicaId, kv.Slot, sessionId) is not { } engine) return true;
        try
        {
            await engine.EraseSlotAsync(kv.Slot, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException)
        {
            // The engine is gone, and its cache with it.
        }
        return true;
    }

    private SessionRecord? Live(string sessionId)
    {
        if (!_sessions.TryGetValue(sessionId, out var session)) return null;
        if (session.Unfinished > 0 || _time.GetElapsedTime(session.LastUse) < IdleTtl) return session;
        Forget(session);
        return null;
    }

    private bool IsRegistered(SessionRecord session) =>
        _sessions.TryGetValue(session.Id, out var registered) && ReferenceEquals(registered, session);

    /// <summary>Its last use is now: it moves to the newest end of the chain.</summary>
    private void Refresh(SessionRecord session, long now)
    {
        session.LastUse = now;
        Unlink(session);
        Append(session);
    }

    /// <param name="provisional">For a budget lookup before admission: a new session is provisional, a known one stays as it is.</param>
    private SessionRecord Touch(string sessionId, bool provisional = false)
    {
        var now = _time.GetTimestamp();
        if (Live(sessionId) is { } live)
        {
            live.Provisional &= provisional;
            Refresh(live, now);
            return live;
        }

        // Ended sessions leave from the front as new ones come, so idle ones do not pile up until the capacity.
        while (_oldest is { Unfinished: 0 } idlest && _time.GetElapsedTime(idlest.LastUse, now) >= IdleTtl) Forget(idlest);
        if (_sessions.Count >= Capacity) Forget(_oldest!);
        var added = new SessionRecord(sessionId, now, _budgets.Mode == BudgetMode.Off ? null : new SessionBudget(_budgets, sessionId)) { Provisional = provisional };
        Append(added);
        _sessions[sessionId] = added;
        return added;
    }

    private void Forget(SessionRecord session)
    {
        _sessions.Remove(session.Id);
        Unlink(session);
    }

    /// <summary>Puts the session at the newest end of the chain.</summary>
    private void Append(SessionRecord session)
    {
        session.Older = _newest;
        session.Newer = null;
        if (_newest is null) _oldest = session;
        else _newest.Newer = session;
        _newest = session;
    }

    private void Unlink(SessionRecord session)
    {
        if (session.Older is null) _oldest = session.Newer;
        else session.Older.Newer = session.Newer;
        if (session.Newer is null) _newest = session.Older;
        else session.Newer.Older = session.Older;
        session.Older = session.Newer = null;
    }
}

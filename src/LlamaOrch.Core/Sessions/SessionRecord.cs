using LlamaOrch.Core.Budgets;
using LlamaOrch.Core.Pools;

namespace LlamaOrch.Core.Sessions;

/// <summary>
/// One session as the registry keeps it; guarded by the registry's lock. A session whose tasks only wait (an agent's
/// queued work, or a new conversation) holds its id, its last use, its place in the registry's least-recently-used
/// chain and at most a budget and a replica: 64 bytes. What its finished turns add (counts, the last turns, where its
/// KV lies) is in a <see cref="SessionHistory"/> made at the first.
/// </summary>
internal sealed class SessionRecord(string id, long now, SessionBudget? budget)
{
    /// <summary>How many of the last turns a session report lists.</summary>
    public const int RecentTurnsKept = 16;

    private SessionHistory? _history;

    public string Id { get; } = id;

    public long LastUse { get; set; } = now;

    /// <summary>The session used longest ago before this one, in the registry's chain; null for the first.</summary>
    public SessionRecord? Older { get; set; }

    /// <summary>The session used next after this one; null for the last (the most recently used).</summary>
    public SessionRecord? Newer { get; set; }

    public int Turns => _history?.Turns ?? 0;

    /// <summary>
    /// Made only so that a submission could reserve from its budget (<see cref="SessionRegistry.BudgetOf"/>): no task of
    /// it was admitted yet and no client set its budget. Forgotten if that submission is refused, so a refused task
    /// leaves no session behind.
    /// </summary>
    public bool Provisional { get; set; }

    /// <summary>Submissions between their budget lookup and their admission's answer.</summary>
    public int Admitting { get; set; }

    /// <summary>
    /// Its admitted tasks that have not ended (queued or running): a session with one is not idle, whatever its last use,
    /// so it does not end under a long run (whose budget would then start afresh for the next task).
    /// </summary>
    public int Unfinished { get; set; }

    /// <summary>Its budget ledger; null while budgets are off.</summary>
    public SessionBudget? Budget { get; } = budget;

    public long TokensIn => _history?.TokensIn ?? 0;

    public long TokensCached => _history?.TokensCached ?? 0;

    public long TokensOut => _history?.TokensOut ?? 0;

    /// <summary>The replica of its last dispatch, which placement prefers for its next turn.</summary>
    public string? ReplicaId { get; set; }

    /// <summary>Where its last finished turn left its KV, and how many tokens of it.</summary>
    public SessionKv? Kv
    {
        get => _history?.Kv;
        set => (_history ??= new SessionHistory()).Kv = value;
    }

    public IEnumerable<SessionTurn> Recent => _history?.Recent ?? Enumerable.Empty<SessionTurn>();

    public void AddTurn(SessionTurn turn)
    {
        var history = _history ??= new SessionHistory();
        history.Turns++;
        history.TokensIn += turn.TokensIn;
        history.TokensCached += turn.TokensCached;
        history.TokensOut += turn.TokensOut;
        if (history.Recent.Count == RecentTurnsKept) history.Recent.Dequeue();
        history.Recent.Enqueue(turn);
    }

    /// <summary>What a session's finished turns leave.</summary>
    private sealed class SessionHistory
    {
        public int Turns;
        public long TokensIn;
        public long TokensCached;
        public long TokensOut;
        public SessionKv? Kv;
        public readonly Queue<SessionTurn> Recent = new();
    }
}

/// <summary>One finished turn: what its prompt cost and how much of it the engine took from its cache.</summary>
internal readonly record struct SessionTurn(int TokensIn, int TokensCached, int TokensOut, SlotWarmth Warmth);

/// <summary>The slot whose cache a session's last turn left: the tokens it holds of the turn's <paramref name="Conversation"/> (prompt and reply).</summary>
internal sealed record SessionKv(PoolRuntime Pool, string ReplicaId, int Slot, int Tokens, int Conversation, long BytesPerToken);

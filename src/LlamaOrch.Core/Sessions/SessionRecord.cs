using LlamaOrch.Core.Budgets;
using LlamaOrch.Core.Pools;

namespace LlamaOrch.Core.Sessions;

/// <summary>One session as the registry keeps it; guarded by the registry's lock.</summary>
internal sealed class SessionRecord(string id, long now, SessionBudget? budget)
{
    /// <summary>How many of the last turns a session report lists.</summary>
    public const int RecentTurnsKept = 16;

    /// <summary>Made at the first finished turn: a session whose tasks still wait (an agent's queued work) holds none.</summary>
    private Queue<SessionTurn>? _recent;

    public string Id { get; } = id;

    public long LastUse { get; set; } = now;

    public int Turns { get; private set; }

    /// <summary>Its budget ledger; null while budgets are off.</summary>
    public SessionBudget? Budget { get; } = budget;

    public long TokensIn { get; private set; }

    public long TokensCached { get; private set; }

    public long TokensOut { get; private set; }

    /// <summary>The replica of its last dispatch, which placement prefers for its next turn.</summary>
    public string? ReplicaId { get; set; }

    /// <summary>Where its last finished turn left its KV, and how many tokens of it.</summary>
    public SessionKv? Kv { get; set; }

    public IEnumerable<SessionTurn> Recent => _recent ?? Enumerable.Empty<SessionTurn>();

    public void AddTurn(SessionTurn turn)
    {
        Turns++;
        TokensIn += turn.TokensIn;
        TokensCached += turn.TokensCached;
        TokensOut += turn.TokensOut;
        _recent ??= new Queue<SessionTurn>();
        if (_recent.Count == RecentTurnsKept) _recent.Dequeue();
        _recent.Enqueue(turn);
    }
}

/// <summary>One finished turn: what its prompt cost and how much of it the engine took from its cache.</summary>
internal readonly record struct SessionTurn(int TokensIn, int TokensCached, int TokensOut, SlotWarmth Warmth);

/// <summary>The slot whose cache a session's last turn left: the tokens it holds of the turn's <paramref name="Conversation"/> (prompt and reply).</summary>
internal sealed record SessionKv(PoolRuntime Pool, string ReplicaId, int Slot, int Tokens, int Conversation, long BytesPerToken);

using System.Text.Json.Serialization;

namespace LlamaOrch.Contracts.Sessions;

/// <summary><c>GET /v1/sessions/{id}</c>: a session's turns, what its prompts cost, and where its KV cache is.</summary>
/// <param name="TtlMsRemaining">Milliseconds until the session ends unless a task of it arrives.</param>
/// <param name="KvBytes">Bytes of KV cache its conversation holds now (0 when no slot holds it, or for a model without a cache).</param>
/// <param name="KvWarmth">Share (0–1) of its conversation so far (last turn's prompt and reply) that a slot's cache still holds.</param>
public sealed record SessionResponse(
    string SessionId,
    long TtlMsRemaining,
    int Turns,
    long KvBytes,
    double KvWarmth,
    long TokensInTotal,
    long TokensCachedTotal,
    long TokensOutTotal,
    IReadOnlyList<SessionTurnReport> RecentTurns)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? PoolId { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ReplicaId { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Slot { get; init; }

    /// <summary><c>advisory</c> or <c>enforce</c> while budgets are on; absent when they are off (and so are the budget fields).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? BudgetMode { get; init; }

    /// <summary>Tokens left of the session's budget, less what its running tasks hold; absent when unlimited.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? TokensBudgetRemaining { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? TimeBudgetRemainingMs { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public decimal? CostBudgetRemaining { get; init; }
}

/// <summary>One finished turn of a session: prompt tokens, how many of them came from the cache, tokens generated, and why its slot.</summary>
public sealed record SessionTurnReport(int TokensIn, int TokensCached, int TokensOut, string Kv);

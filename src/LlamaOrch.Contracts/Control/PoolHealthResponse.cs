namespace LlamaOrch.Contracts.Control;

/// <summary><c>GET /v1/pools/{id}/health</c>.</summary>
/// <param name="Live">At least one replica has an engine process running or starting; false only while every replica waits to restart.</param>
/// <param name="Model">The model ref the pool serves (after a reload, the new one).</param>
public sealed record PoolHealthResponse(bool Live, bool Ready, bool Draining, bool Reloading, string Model, string? LastError, PoolMetrics Metrics);

/// <param name="PlacementDecisions">placement_decisions_total by outcome, pinned and fallback, for every pool together.</param>
public sealed record PoolMetrics(
    int QueueDepth, int BusySlots, int ReadySlots, int ReplicasReady, int ReplicasTotal, IReadOnlyList<PlacementDecisionCount> PlacementDecisions);

public sealed record PlacementDecisionCount(string Outcome, bool Pinned, bool Fallback, long Count);

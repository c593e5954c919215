namespace LlamaOrch.Contracts.Control;

/// <summary><c>GET /v1/pools/{id}/health</c>.</summary>
/// <param name="Live">At least one replica has an engine process running or starting; false only while every replica waits to restart.</param>
public sealed record PoolHealthResponse(bool Live, bool Ready, bool Draining, string? LastError, PoolMetrics Metrics);

public sealed record PoolMetrics(int QueueDepth, int BusySlots, int ReadySlots, int ReplicasReady, int ReplicasTotal);

namespace LlamaOrch.Contracts.Health;

/// <summary><c>GET /health</c>: orchestratord's own liveness and readiness, with each pool's state.</summary>
public sealed record HealthResponse(string Status, bool Live, bool Ready, IReadOnlyList<PoolHealth> Pools);

public sealed record PoolHealth(
    string Id,
    string Model,
    bool Ready,
    int ReplicasReady,
    int ReplicasTotal,
    int QueueDepth,
    string? LastError,
    IReadOnlyList<string> Workloads,
    string? EngineVersion);

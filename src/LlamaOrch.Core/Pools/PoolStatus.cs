namespace LlamaOrch.Core.Pools;

/// <summary>A consistent snapshot of a pool for health answers.</summary>
public sealed record PoolStatus(
    string Id,
    string Model,
    bool Ready,
    int ReplicasReady,
    int ReplicasTotal,
    int QueueDepth,
    int BusySlots,
    int ReadySlots,
    string? LastError,
    string? EngineVersion,
    bool Live,
    int CtxMax,
    bool Draining,
    bool Reloading);

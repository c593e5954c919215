namespace LlamaOrch.Core.Pools;

/// <summary>A consistent snapshot of a pool for health answers.</summary>
/// <param name="Ready">A replica can take a task now and the pool admits (it is neither draining nor stopped).</param>
/// <param name="Draining">Admits nothing: drained, or stopped because its model was retired.</param>
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

namespace LlamaOrch.Core.Placement;

/// <summary>
/// A pool as admission-time placement sees it, taken in one visit under the pool's lock.
/// </summary>
/// <param name="OnAllowedDevice">Some ready replica runs on a device the task allows.</param>
/// <param name="AffineFree">The session's last replica is in this pool and has a free slot.</param>
/// <param name="Load">Busy slots plus queued tasks, per ready slot.</param>
/// <param name="MostAvailableBytes">The most free VRAM on any ready replica's device; null on the CPU.</param>
/// <param name="TokensPerSecond">The fastest ready replica's measured decode rate; null before any task.</param>
internal readonly record struct PoolLoad(
    bool OnAllowedDevice,
    bool AffineFree,
    bool HasRoom,
    double Load,
    long? MostAvailableBytes,
    double? TokensPerSecond);

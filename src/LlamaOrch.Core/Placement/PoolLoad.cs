namespace LlamaOrch.Core.Placement;

/// <summary>
/// A pool as admission-time placement sees it, taken in one visit under the pool's lock.
/// </summary>
/// <param name="OnAllowedDevice">Some ready replica runs on a device the task allows.</param>
/// <param name="Candidate">
/// The pool as <see cref="PlacementRanking"/> weighs it: affine when the session's last replica is here with a
/// free slot, its load as busy slots plus queued tasks per ready slot, the most free VRAM and the fastest
/// decode of its ready replicas.
/// </param>
internal readonly record struct PoolLoad(bool OnAllowedDevice, PlacementCandidate Candidate);

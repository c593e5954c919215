namespace LlamaOrch.Core.Placement;

/// <summary>
/// A place a task could run, as the one ranking weighs it: a pool at admission, a replica at dispatch.
/// </summary>
/// <param name="Affine">The session's last replica is here (with a free slot): its slot cache holds the prompt prefix.</param>
/// <param name="HasRoom">It can take the task now or queue it (a replica with a free slot always can).</param>
/// <param name="Load">Busy slots for a replica; busy slots plus queued tasks per ready slot for a pool.</param>
/// <param name="AvailableBytes">The most free VRAM on its device(s); null on the CPU or before placement.</param>
/// <param name="TokensPerSecond">Its measured decode rate; null before any task finished there.</param>
internal readonly record struct PlacementCandidate(
    string Id,
    bool Affine,
    bool HasRoom,
    double Load,
    long? AvailableBytes,
    double? TokensPerSecond);

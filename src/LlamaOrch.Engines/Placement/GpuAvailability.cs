namespace LlamaOrch.Engines.Placement;

/// <summary>One GPU as placement sees it: what the ledger holds on it and what is left for the next replica.</summary>
/// <param name="TotalBytes">The card's memory as nvidia-smi reports it.</param>
/// <param name="AvailableBytes">What a new replica may reserve now; never negative.</param>
/// <param name="ReservedBytes">The sum of our replicas' reservations on it.</param>
/// <param name="ExternalBytes">Used by other programs, as far as the last probe shows.</param>
/// <param name="ReplicaIds">Our replicas holding a reservation on it, in ordinal order.</param>
public sealed record GpuAvailability(
    int Index,
    string Name,
    long TotalBytes,
    long AvailableBytes,
    long ReservedBytes,
    long ExternalBytes,
    IReadOnlyList<string> ReplicaIds);

namespace LlamaOrch.Engines.Placement;

/// <summary>
/// GPU memory set aside for one replica. <see cref="LoadedAt"/> says from when its engine really holds the memory, so
/// a probe taken after that already counts it in the card's used memory.
/// </summary>
internal sealed record DeviceReservation(string ReplicaId, int GpuIndex, long Bytes, DateTimeOffset? LoadedAt)
{
    /// <summary>True when a probe taken at <paramref name="probedAt"/> saw this replica's memory as used.</summary>
    public bool SeenBy(DateTimeOffset probedAt) => LoadedAt is { } loaded && loaded < probedAt;
}

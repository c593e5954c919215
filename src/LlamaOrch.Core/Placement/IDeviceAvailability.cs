namespace LlamaOrch.Core.Placement;

/// <summary>How much memory is free on each device right now, for the "most free VRAM" rule.</summary>
public interface IDeviceAvailability
{
    /// <summary>
    /// Available bytes per GPU ("0", "1", …); the CPU and devices not in the inventory are absent. Taken once per
    /// placement pass and outside the pool's lock: building it may take the device ledger's own lock.
    /// </summary>
    IReadOnlyDictionary<string, long> Snapshot();
}

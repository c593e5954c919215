namespace LlamaOrch.Core.Placement;

/// <summary>How much memory is free on a device right now, for the "most free VRAM" rule.</summary>
public interface IDeviceAvailability
{
    /// <summary>Available bytes on a GPU ("0", "1", …); null for the CPU or a device not in the inventory.</summary>
    long? AvailableBytes(string device);
}

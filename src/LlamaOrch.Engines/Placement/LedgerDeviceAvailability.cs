using System.Globalization;
using LlamaOrch.Core.Placement;
using LlamaOrch.Engines.Devices;

namespace LlamaOrch.Engines.Placement;

/// <summary>Free VRAM per GPU for task placement: the latest probe less what our starting replicas have reserved.</summary>
public sealed class LedgerDeviceAvailability(DeviceInventory inventory, DeviceLedger ledger) : IDeviceAvailability
{
    public long? AvailableBytes(string device)
    {
        if (!int.TryParse(device, NumberStyles.None, CultureInfo.InvariantCulture, out var index)) return null;
        foreach (var gpu in ledger.Available(inventory.Current))
            if (gpu.Index == index) return gpu.AvailableBytes;
        return null;
    }
}

using System.Globalization;
using LlamaOrch.Core.Placement;
using LlamaOrch.Engines.Devices;

namespace LlamaOrch.Engines.Placement;

/// <summary>Free VRAM per GPU for task placement: the latest probe less what our starting replicas have reserved.</summary>
public sealed class LedgerDeviceAvailability(DeviceInventory inventory, DeviceLedger ledger) : IDeviceAvailability
{
    public IReadOnlyDictionary<string, long> Snapshot() =>
        ledger.Available(inventory.Current).ToDictionary(gpu => gpu.Index.ToString(CultureInfo.InvariantCulture), gpu => gpu.AvailableBytes);
}

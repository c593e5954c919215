using System.Globalization;
using LlamaOrch.Core.Placement;
using LlamaOrch.Engines.Devices;

namespace LlamaOrch.Engines.Placement;

/// <summary>Free VRAM per GPU for task placement: the latest probe less what our starting replicas have reserved.</summary>
public sealed class LedgerDeviceAvailability(DeviceInventory inventory, DeviceLedger ledger) : IDeviceAvailability
{
    private static readonly IReadOnlyDictionary<string, long> NoGpu = new Dictionary<string, long>();

    /// <summary>Called on every admission and dispatch pass: a machine without GPUs pays neither the ledger's lock nor an allocation.</summary>
    public IReadOnlyDictionary<string, long> Snapshot()
    {
        var current = inventory.Current;
        return current.Gpus.Count == 0
            ? NoGpu
            : ledger.Available(current).ToDictionary(gpu => gpu.Index.ToString(CultureInfo.InvariantCulture), gpu => gpu.AvailableBytes);
    }
}

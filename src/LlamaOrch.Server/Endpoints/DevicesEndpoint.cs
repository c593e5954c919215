using System.Globalization;
using LlamaOrch.Contracts;
using LlamaOrch.Contracts.Devices;
using LlamaOrch.Core.Pools;
using LlamaOrch.Engines.Devices;
using LlamaOrch.Engines.Placement;
using LlamaOrch.Engines.Supervision;

namespace LlamaOrch.Server.Endpoints;

internal static class DevicesEndpoint
{
    /// <summary>
    /// <c>GET /v1/devices</c>: the GPUs of the latest nvidia-smi probe with their VRAM (other programs' use
    /// counted as used), what our replicas reserve and what is left, and the replicas placed on each; with
    /// no GPU, the CPU is the one device.
    /// </summary>
    public static void MapDevices(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v1/devices", (DeviceInventory inventory, DeviceLedger ledger, PoolRegistry pools) =>
        {
            var snapshot = inventory.Current;
            var replicas = pools.All.SelectMany(p => p.Replicas()).Where(r => r.Device is not null).ToList();
            var ledgerView = ledger.Available(snapshot).ToDictionary(g => g.Index);
            var devices = snapshot.Gpus.Select(g => new DeviceInfo("gpu", g.Index, g.Uuid, g.Name, g.TotalBytes, g.UsedBytes, g.FreeBytes,
                ledgerView[g.Index].ReservedBytes, ledgerView[g.Index].AvailableBytes, g.UtilizationPercent,
                On(replicas, g.Index.ToString(CultureInfo.InvariantCulture)))).ToList();
            // The CPU is listed whenever something runs on it, and always on a machine without a GPU.
            var onCpu = On(replicas, DevicePlacement.Cpu);
            if (devices.Count == 0 || onCpu.Count > 0)
                devices.Add(new DeviceInfo("cpu", null, null, DevicePlacement.Cpu, null, null, null, null, null, null, onCpu));
            var probed = snapshot.ProbedAt == DateTimeOffset.MinValue ? (long?)null : snapshot.ProbedAt.ToUnixTimeMilliseconds();
            return Results.Json(new DevicesResponse(devices, snapshot.ProbeError, probed), ContractsJsonContext.Default.DevicesResponse);
        });
    }

    private static List<string> On(IEnumerable<ReplicaStatus> replicas, string device) =>
        replicas.Where(r => r.Device == device).Select(r => r.Id).ToList();
}

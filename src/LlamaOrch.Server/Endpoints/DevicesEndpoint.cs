using LlamaOrch.Contracts;
using LlamaOrch.Contracts.Devices;
using LlamaOrch.Core.Pools;
using LlamaOrch.Engines.Devices;

namespace LlamaOrch.Server.Endpoints;

internal static class DevicesEndpoint
{
    public const string CpuDevice = "cpu";

    /// <summary>
    /// <c>GET /v1/devices</c>: the GPUs of the latest nvidia-smi probe with their VRAM (other programs' use
    /// counted as used) and the replicas placed on each; with no GPU, the CPU is the one device.
    /// </summary>
    public static void MapDevices(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v1/devices", (DeviceInventory inventory, PoolRegistry pools) =>
        {
            var snapshot = inventory.Current;
            IReadOnlyList<DeviceInfo> devices = snapshot.Gpus.Count > 0
                ? snapshot.Gpus.Select(g => new DeviceInfo("gpu", g.Index, g.Uuid, g.Name, g.TotalBytes, g.UsedBytes, g.FreeBytes,
                    g.UtilizationPercent, ReplicasOn(pools, g.Index.ToString(System.Globalization.CultureInfo.InvariantCulture)))).ToList()
                : [new DeviceInfo("cpu", null, null, CpuDevice, null, null, null, null, ReplicasOn(pools, CpuDevice))];
            var probed = snapshot.ProbedAt == DateTimeOffset.MinValue ? (long?)null : snapshot.ProbedAt.ToUnixTimeMilliseconds();
            return Results.Json(new DevicesResponse(devices, snapshot.ProbeError, probed), ContractsJsonContext.Default.DevicesResponse);
        });
    }

    private static List<string> ReplicasOn(PoolRegistry pools, string device) =>
        pools.All
            .Where(p => p.Config.Devices.Contains(device, StringComparer.OrdinalIgnoreCase))
            .SelectMany(p => Enumerable.Range(0, p.Config.Replicas).Select(i => PoolRuntime.ReplicaId(p.Id, i)))
            .ToList();
}

using System.Globalization;
using LlamaOrch.Core.Pools;
using LlamaOrch.Engines.Devices;
using LlamaOrch.Engines.Supervision;
using Prometheus;

namespace LlamaOrch.Server.Metrics;

/// <summary>
/// <c>gpu_utilization</c> and <c>vram_used_bytes</c> per replica and the GPU it runs on, read at scrape time from
/// the device inventory's latest nvidia-smi snapshot (refreshed by the host every Devices:RefreshSeconds), so a
/// scrape never runs nvidia-smi itself. <c>vram_used_bytes</c> is the replica's own engine process's memory on that
/// GPU when the driver lists its pid there, else the whole device's memory.used (the driver lists no processes, hides
/// their figures, or the engine is between processes). <c>gpu_utilization</c> is always the device's: nvidia-smi has
/// no per-process utilization in these queries. Replicas on the CPU or not placed yet have no series.
/// </summary>
internal sealed class GpuSeries
{
    private readonly PoolRegistry _pools;
    private readonly DeviceInventory _inventory;
    private readonly IEngineProcesses _engines;
    private readonly ScrapedGauge _utilization;
    private readonly ScrapedGauge _vramUsed;
    private readonly object _scrape = new();

    public GpuSeries(CollectorRegistry registry, PoolRegistry pools, DeviceInventory inventory, IEngineProcesses engines)
    {
        _pools = pools;
        _inventory = inventory;
        _engines = engines;
        var factory = Prometheus.Metrics.WithCustomRegistry(registry);
        _utilization = new ScrapedGauge(factory.CreateGauge("gpu_utilization",
            "Percent of time (0-100) the replica's GPU was busy over nvidia-smi's last sample period, the whole device's (nvidia-smi's per-process query has no utilization); absent where the card does not report it.",
            "engine", "engine_version", "pool_id", "replica_id", "device"));
        _vramUsed = new ScrapedGauge(factory.CreateGauge("vram_used_bytes",
            "Memory the replica's engine process holds on its GPU (nvidia-smi compute-apps used_memory) where the driver lists that process; else the whole device's memory in use, every process's (nvidia-smi memory.used).",
            "engine", "engine_version", "pool_id", "replica_id", "device"));
        registry.AddBeforeCollectCallback(Refresh);
    }

    private void Refresh()
    {
        var snapshot = _inventory.Current;
        var gpus = snapshot.Gpus.ToDictionary(g => g.Index.ToString(CultureInfo.InvariantCulture), StringComparer.Ordinal);
        // Two scrapes at once would race on the label sets each gauge remembers; scrapes are rare, so one at a time.
        lock (_scrape)
        {
            foreach (var pool in _pools.All)
            {
                var poolLabels = pool.MetricLabels;
                foreach (var replica in pool.Replicas())
                {
                    if (replica.Device is not { } device || !gpus.TryGetValue(device, out var gpu)) continue;
                    string[] labels = [poolLabels.Engine, poolLabels.EngineVersion, poolLabels.PoolId, replica.Id, device];
                    var own = _engines.EngineProcessId(replica.Id) is { } pid ? snapshot.ProcessUsedBytes(pid, gpu) : null;
                    _vramUsed.Set(own ?? gpu.UsedBytes, labels);
                    if (gpu.UtilizationPercent is { } percent) _utilization.Set(percent, labels);
                }
            }
            // Series of replicas that moved, went or changed version, and a utilization a card stopped reporting, go.
            _vramUsed.EndScrape();
            _utilization.EndScrape();
        }
    }
}

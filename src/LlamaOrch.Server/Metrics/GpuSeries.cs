using System.Globalization;
using LlamaOrch.Core.Pools;
using LlamaOrch.Engines.Devices;
using Prometheus;

namespace LlamaOrch.Server.Metrics;

/// <summary>
/// <c>gpu_utilization</c> and <c>vram_used_bytes</c> per replica and the GPU it runs on, read at scrape time from
/// the device inventory's latest nvidia-smi snapshot (refreshed by the host every Devices:RefreshSeconds), so a
/// scrape never runs nvidia-smi itself. The figures are the device's: nvidia-smi's per-GPU query, not per process,
/// so replicas sharing a GPU report the same values. Replicas on the CPU or not placed yet have no series.
/// </summary>
internal sealed class GpuSeries
{
    private readonly PoolRegistry _pools;
    private readonly DeviceInventory _inventory;
    private readonly ScrapedGauge _utilization;
    private readonly ScrapedGauge _vramUsed;
    private readonly object _scrape = new();

    public GpuSeries(CollectorRegistry registry, PoolRegistry pools, DeviceInventory inventory)
    {
        _pools = pools;
        _inventory = inventory;
        var factory = Prometheus.Metrics.WithCustomRegistry(registry);
        _utilization = new ScrapedGauge(factory.CreateGauge("gpu_utilization",
            "Percent of time (0-100) the replica's GPU was busy over nvidia-smi's last sample period; absent where the card does not report it.",
            "engine", "engine_version", "pool_id", "replica_id", "device"));
        _vramUsed = new ScrapedGauge(factory.CreateGauge("vram_used_bytes",
            "Memory in use on the replica's GPU, every process's (nvidia-smi memory.used).",
            "engine", "engine_version", "pool_id", "replica_id", "device"));
        registry.AddBeforeCollectCallback(Refresh);
    }

    private void Refresh()
    {
        var gpus = _inventory.Current.Gpus.ToDictionary(g => g.Index.ToString(CultureInfo.InvariantCulture), StringComparer.Ordinal);
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
                    _vramUsed.Set(gpu.UsedBytes, labels);
                    if (gpu.UtilizationPercent is { } percent) _utilization.Set(percent, labels);
                }
            }
            // Series of replicas that moved, went or changed version, and a utilization a card stopped reporting, go.
            _vramUsed.EndScrape();
            _utilization.EndScrape();
        }
    }
}

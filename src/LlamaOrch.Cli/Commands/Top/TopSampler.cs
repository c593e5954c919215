using LlamaOrch.Client;

namespace LlamaOrch.Cli.Commands;

/// <summary>
/// Reads one <see cref="TopSnapshot"/> from the API: <c>/v1/capabilities</c>, <c>/v1/replicasets</c>, <c>/v1/devices</c>,
/// each pool's <c>/v1/pools/{id}/health</c> and <c>/metrics</c> (queue depth by priority, tokens out), all at once.
/// The tokens/s of a pool is the growth of its <c>tokens_out_total</c> since the previous snapshot.
/// </summary>
internal sealed class TopSampler(LlamaOrchClient client)
{
    private TopSnapshot? _previous;

    public async Task<TopSnapshot> SampleAsync(CancellationToken cancellationToken)
    {
        var capabilities = client.GetCapabilitiesAsync(cancellationToken);
        var replicas = client.GetReplicaSetsAsync(cancellationToken);
        var devices = client.GetDevicesAsync(cancellationToken);
        var metrics = client.GetMetricsTextAsync(cancellationToken);
        var caps = (await capabilities).Value;
        var health = await Task.WhenAll(caps.Engines.Select(e => client.GetPoolHealthAsync(e.PoolId, cancellationToken)));
        var text = (await metrics).Value;
        var now = DateTimeOffset.UtcNow;

        var queues = MetricsText.Samples(text, "queue_depth").ToList();
        var tokensOut = MetricsText.Samples(text, "tokens_out_total").ToList();
        var pools = caps.Engines.Select((engine, i) =>
        {
            var h = health[i].Value;
            var id = engine.PoolId;
            int Queue(string priority) => (int)queues.Where(s => Is(s.Labels, "pool_id", id) && Is(s.Labels, "priority", priority)).Sum(s => s.Value);
            var total = tokensOut.Where(s => Is(s.Labels, "pool_id", id)).Sum(s => s.Value);
            double? rate = null;
            if (_previous?.Pools.FirstOrDefault(p => p.PoolId == id) is { } before && now > _previous.TakenAt)
                rate = Math.Max(0, total - before.TokensOutTotal) / (now - _previous.TakenAt).TotalSeconds;
            return new TopPool(
                id, h.Model, engine.EngineVersion ?? engine.Engine, h.Ready, h.Draining, h.Metrics.ReplicasReady, h.Metrics.ReplicasTotal,
                h.Metrics.BusySlots, h.Metrics.ReadySlots, Queue("interactive"), Queue("batch"), engine.RateLimits.QueueCapacity, rate, total);
        }).ToList();

        var snapshot = new TopSnapshot(now, caps.ApiVersion, pools, (await replicas).Value, (await devices).Value.Devices);
        _previous = snapshot;
        return snapshot;
    }

    private static bool Is(IReadOnlyDictionary<string, string> labels, string key, string value) =>
        labels.TryGetValue(key, out var actual) && actual == value;
}

using LlamaOrch.Core.Engines;
using LlamaOrch.Core.Pools;
using Prometheus;

namespace LlamaOrch.Server.Metrics;

/// <summary>
/// Each ready replica's own <c>/metrics</c> (llama.cpp's <c>llamacpp:</c> series), fetched at scrape time, all
/// engines at once, and re-exposed with <c>pool_id</c>, <c>replica_id</c> and <c>model</c>; and
/// <c>kv_cache_usage_ratio</c> from the engine's <c>llamacpp:kv_cache_usage_ratio</c> where it reports one
/// (llama-server and llorch-engine on a GGUF model do; a synthetic model has no cache). An engine that does not answer within <see cref="Timeout"/>,
/// or answers with an error, is left out of that scrape: a scrape must not hang on, or fail for, one engine.
/// </summary>
internal sealed class EngineSeries
{
    /// <summary>Well under Prometheus's default 10 s scrape timeout, so one slow engine cannot cost the whole scrape.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    private const string KvCacheUsage = EngineExposition.Prefix + "kv_cache_usage_ratio";

    private readonly PoolRegistry _pools;
    private readonly TimeProvider _time;
    private readonly ILogger<EngineSeries> _logger;
    private readonly ScrapedGauge _kvCacheUsage;
    private readonly object _scrape = new();

    public EngineSeries(CollectorRegistry registry, PoolRegistry pools, TimeProvider time, ILogger<EngineSeries> logger)
    {
        _pools = pools;
        _time = time;
        _logger = logger;
        _kvCacheUsage = new ScrapedGauge(Prometheus.Metrics.WithCustomRegistry(registry).CreateGauge("kv_cache_usage_ratio",
            "Share (0-1) of the replica's KV cache in use, from the engine's llamacpp:kv_cache_usage_ratio; absent where the engine does not report it.",
            "engine", "engine_version", "pool_id", "replica_id"));
    }

    /// <summary>
    /// Fetches every ready engine's series, sets <c>kv_cache_usage_ratio</c> (so call it before the registry is
    /// collected), and returns the engines' series relabeled, to append to the registry's text.
    /// </summary>
    public async Task<string> ScrapeAsync(CancellationToken cancellationToken)
    {
        var targets = _pools.All.SelectMany(pool => pool.ReadyEngines().Select(engine => (Labels: pool.MetricLabels, Engine: engine))).ToList();
        var texts = await Task.WhenAll(targets.Select(t => FetchAsync(t.Engine, cancellationToken))).ConfigureAwait(false);

        var exposition = new EngineExposition();
        // Two scrapes at once would race on the label sets the gauge remembers; scrapes are rare, so one at a time.
        lock (_scrape)
        {
            for (var i = 0; i < targets.Count; i++)
            {
                if (texts[i] is not { } text) continue;
                var (labels, engine) = targets[i];
                var firsts = exposition.Add(text, [new("pool_id", labels.PoolId), new("replica_id", engine.ReplicaId), new("model", engine.Model)]);
                if (firsts.TryGetValue(KvCacheUsage, out var ratio))
                    _kvCacheUsage.Set(ratio, labels.Engine, labels.EngineVersion, labels.PoolId, engine.ReplicaId);
            }
            // Replicas that went or stopped answering lose their series.
            _kvCacheUsage.EndScrape();
        }
        return exposition.ToString();
    }

    private async Task<string?> FetchAsync(ReadyEngine engine, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(Timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            return await engine.Client.GetMetricsTextAsync(linked.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or IOException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            // Expected while an engine dies or restarts; the supervisor reports that, so only a debug line here.
            _logger.LogDebug("replica {ReplicaId}: /metrics not read ({Error}); its series are left out of this scrape", engine.ReplicaId, e.Message);
            return null;
        }
    }
}

using LlamaOrch.Core.Catalog;
using LlamaOrch.Core.Placement;
using LlamaOrch.Core.Pools;
using LlamaOrch.Core.Tasks;
using Prometheus;

namespace LlamaOrch.Server.Metrics;

/// <summary>
/// The series read from the state they describe when Prometheus scrapes, rather than kept up to date on every
/// change: <c>queue_depth</c> from the pools, <c>model_state</c> from the catalog, <c>placement_decisions_total</c>
/// from the <see cref="PlacementCounters"/> placement already keeps.
/// </summary>
internal sealed class ScrapeTimeSeries
{
    /// <summary>How many catalog entries one page of the scrape reads.</summary>
    private const int CatalogPage = 500;

    private static readonly CatalogState[] States = Enum.GetValues<CatalogState>();

    private readonly PoolRegistry _pools;
    private readonly ModelCatalog _catalog;
    private readonly PlacementCounters _placement;
    private readonly Gauge _queueDepth;
    private readonly ScrapedGauge _modelState;
    private readonly Counter _placementDecisions;
    private readonly object _scrape = new();

    public ScrapeTimeSeries(CollectorRegistry registry, PoolRegistry pools, ModelCatalog catalog, PlacementCounters placement)
    {
        _pools = pools;
        _catalog = catalog;
        _placement = placement;
        var factory = Prometheus.Metrics.WithCustomRegistry(registry);
        _queueDepth = factory.CreateGauge("queue_depth", "Tasks waiting in a pool's queue, by priority.",
            "engine", "engine_version", "pool_id", "priority");
        _modelState = new ScrapedGauge(factory.CreateGauge("model_state", "1 for a catalog model's current state (Active or Retired), 0 for the other.",
            "model_id", "state"));
        _placementDecisions = factory.CreateCounter("placement_decisions_total",
            "Placement decisions: at admission (queued, refused, infeasible) and at dispatch (dispatched).",
            "outcome", "pinned", "fallback");
        registry.AddBeforeCollectCallback(Refresh);
    }

    private void Refresh()
    {
        // Two scrapes at once would race on the label sets model_state remembers; scrapes are rare, so one at a time.
        lock (_scrape)
        {
            RefreshQueues();
            RefreshModels();
            foreach (var count in _placement.Snapshot())
                _placementDecisions.WithLabels(count.Outcome, Bool(count.Pinned), Bool(count.Fallback)).IncTo(count.Count);
        }
    }

    private void RefreshQueues()
    {
        foreach (var pool in _pools.All)
        {
            var labels = pool.MetricLabels;
            foreach (var priority in Enum.GetValues<Priority>())
                _queueDepth.WithLabels(labels.Engine, labels.EngineVersion, labels.PoolId, WireNames.Of(priority)).Set(pool.QueueDepthOf(priority));
        }
    }

    private void RefreshModels()
    {
        string? after = null;
        do
        {
            var page = _catalog.List(after, CatalogPage);
            foreach (var model in page.Models)
                foreach (var state in States)
                    _modelState.Set(model.State == state ? 1 : 0, model.Id, state.ToString());
            after = page.NextAfter;
        }
        while (after is not null);
        // Entries deleted since the last scrape lose their series.
        _modelState.EndScrape();
    }

    private static string Bool(bool value) => value ? "true" : "false";
}

using LlamaOrch.Core.Placement;

namespace LlamaOrch.Core.Tests.Placement;

public sealed class PlacementCountersTests
{
    [Fact]
    public void Every_outcome_pin_and_fallback_is_counted_apart_and_listed_in_order_once_counted()
    {
        var counters = new PlacementCounters();
        Assert.Empty(counters.Snapshot());

        counters.Count(PlacementOutcomes.Queued, pinned: false, fallback: false);
        counters.Count(PlacementOutcomes.Queued, pinned: false, fallback: false);
        counters.Count(PlacementOutcomes.Queued, pinned: true, fallback: false);
        counters.Count(PlacementOutcomes.Refused, pinned: false, fallback: true);
        counters.Count(PlacementOutcomes.Infeasible, pinned: true, fallback: false);
        counters.Count(PlacementOutcomes.Dispatched, pinned: false, fallback: false);
        counters.Count("other", pinned: false, fallback: true);

        var snapshot = counters.Snapshot().Select(c => (c.Outcome, c.Pinned, c.Fallback, c.Count)).ToList();
        Assert.Equal(
        [
            (PlacementOutcomes.Dispatched, false, false, 1L),
            (PlacementOutcomes.Infeasible, true, false, 1L),
            ("other", false, true, 1L),
            (PlacementOutcomes.Queued, false, false, 2L),
            (PlacementOutcomes.Queued, true, false, 1L),
            (PlacementOutcomes.Refused, false, true, 1L),
        ], snapshot);
    }

    [Fact]
    public void Counts_from_many_threads_are_not_lost()
    {
        var counters = new PlacementCounters();
        Parallel.For(0, 8, _ =>
        {
            for (var i = 0; i < 10_000; i++) counters.Count(PlacementOutcomes.Refused, pinned: false, fallback: false);
        });
        Assert.Equal(80_000, counters.Snapshot().Single().Count);
    }
}

using System.Collections.Concurrent;
using LlamaOrch.Contracts.Control;

namespace LlamaOrch.Core.Placement;

/// <summary>
/// <c>placement_decisions_total{outcome,pinned,fallback}</c>: every placement decision, at admission (a pool
/// chosen or none feasible) and at dispatch (a replica chosen).
/// </summary>
public sealed class PlacementCounters
{
    /// <summary>The outcomes placement counts, each with four fixed slots (pinned × fallback): one interlocked add per decision.</summary>
    private static readonly string[] KnownOutcomes =
        [PlacementOutcomes.Queued, PlacementOutcomes.Refused, PlacementOutcomes.Infeasible, PlacementOutcomes.Dispatched];

    private readonly long[] _known = new long[KnownOutcomes.Length * 4];

    /// <summary>Any other outcome a caller names.</summary>
    private readonly ConcurrentDictionary<PlacementCounterKey, long> _others = new();

    public void Count(string outcome, bool pinned, bool fallback)
    {
        var index = Array.IndexOf(KnownOutcomes, outcome);
        if (index >= 0) Interlocked.Increment(ref _known[index * 4 + (pinned ? 2 : 0) + (fallback ? 1 : 0)]);
        else _others.AddOrUpdate(new PlacementCounterKey(outcome, pinned, fallback), 1, (_, n) => n + 1);
    }

    /// <summary>Every count so far (only those counted at least once), ordered by outcome, then pinned, then fallback.</summary>
    public IReadOnlyList<PlacementDecisionCount> Snapshot()
    {
        var counts = new List<KeyValuePair<PlacementCounterKey, long>>(_others);
        for (var index = 0; index < _known.Length; index++)
        {
            var count = Volatile.Read(ref _known[index]);
            if (count > 0) counts.Add(new(new PlacementCounterKey(KnownOutcomes[index / 4], (index & 2) != 0, (index & 1) != 0), count));
        }
        return counts.OrderBy(c => c.Key.Outcome, StringComparer.Ordinal).ThenBy(c => c.Key.Pinned).ThenBy(c => c.Key.Fallback)
            .Select(c => new PlacementDecisionCount(c.Key.Outcome, c.Key.Pinned, c.Key.Fallback, c.Value))
            .ToList();
    }
}

internal readonly record struct PlacementCounterKey(string Outcome, bool Pinned, bool Fallback);

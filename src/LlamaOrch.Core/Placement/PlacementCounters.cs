using System.Collections.Concurrent;
using LlamaOrch.Contracts.Control;

namespace LlamaOrch.Core.Placement;

/// <summary>
/// <c>placement_decisions_total{outcome,pinned,fallback}</c>: every placement decision, at admission (a pool
/// chosen or none feasible) and at dispatch (a replica chosen).
/// </summary>
public sealed class PlacementCounters
{
    private readonly ConcurrentDictionary<PlacementCounterKey, long> _counts = new();

    public void Count(string outcome, bool pinned, bool fallback) =>
        _counts.AddOrUpdate(new PlacementCounterKey(outcome, pinned, fallback), 1, (_, n) => n + 1);

    /// <summary>Every count so far, ordered by outcome, then pinned, then fallback.</summary>
    public IReadOnlyList<PlacementDecisionCount> Snapshot() =>
        _counts.OrderBy(c => c.Key.Outcome, StringComparer.Ordinal).ThenBy(c => c.Key.Pinned).ThenBy(c => c.Key.Fallback)
            .Select(c => new PlacementDecisionCount(c.Key.Outcome, c.Key.Pinned, c.Key.Fallback, c.Value))
            .ToList();
}

internal readonly record struct PlacementCounterKey(string Outcome, bool Pinned, bool Fallback);

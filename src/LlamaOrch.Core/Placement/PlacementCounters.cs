using System.Collections.Concurrent;

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

    public IReadOnlyList<KeyValuePair<PlacementCounterKey, long>> Snapshot() =>
        _counts.OrderBy(c => c.Key.Outcome, StringComparer.Ordinal).ThenBy(c => c.Key.Pinned).ThenBy(c => c.Key.Fallback).ToList();
}

public readonly record struct PlacementCounterKey(string Outcome, bool Pinned, bool Fallback);

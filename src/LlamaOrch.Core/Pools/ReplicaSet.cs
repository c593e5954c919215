using System.Globalization;
using LlamaOrch.Core.Engines;

namespace LlamaOrch.Core.Pools;

/// <summary>
/// A pool's replicas, serving, incoming (a reload) and outgoing (finishing their tasks before their engines
/// stop), with the sums dispatch and admission read of them and the load-time prediction they feed.
/// Not thread-safe: its pool's lock guards it.
/// </summary>
internal sealed class ReplicaSet(string poolId, TimeProvider time)
{
    private readonly List<ReplicaRuntime> _replicas = [];
    /// <summary>The same replicas by id: a run's release, a session's turn and every supervisor report find theirs in O(1).</summary>
    private readonly Dictionary<string, ReplicaRuntime> _byId = new(StringComparer.Ordinal);
    private readonly StartPrediction _startPrediction = new(time);
    private int _nextNumber;
    private int _nextUpstreamNumber;

    public static string ReplicaId(string poolId, int number) => $"{poolId}-r{number.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>An upstream replica's id: "u" for an engine we do not start, numbered apart from the local ones.</summary>
    public static string UpstreamReplicaId(string poolId, int number) => $"{poolId}-u{number.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Lets callers <c>foreach</c> over the replicas without allocating.</summary>
    public List<ReplicaRuntime>.Enumerator GetEnumerator() => _replicas.GetEnumerator();

    public void Add(PoolConfig config, string model, ReplicaRole role)
    {
        for (var i = 0; i < config.Replicas; i++)
            Add(new ReplicaRuntime(ReplicaId(poolId, _nextNumber++), model, config.Slots, role));
        // Until the server says how many slots it has, an upstream counts the configured ones or the pool's.
        foreach (var upstream in config.Upstreams)
            Add(new ReplicaRuntime(UpstreamReplicaId(poolId, _nextUpstreamNumber++), model, upstream.Slots ?? config.Slots, role, upstream));
    }

    private void Add(ReplicaRuntime replica)
    {
        _replicas.Add(replica);
        _byId.Add(replica.Id, replica);
    }

    /// <summary>What the replicas of <paramref name="role"/> are to be started with.</summary>
    public List<ReplicaPlan> Plans(PoolConfig config, ReplicaRole role)
    {
        var plans = new List<ReplicaPlan>();
        foreach (var replica in _replicas)
            if (replica.Role == role) plans.Add(new ReplicaPlan(replica.Id, replica.Model, config with { Model = replica.Model }, replica.Upstream));
        return plans;
    }

    public ReplicaRuntime? Find(string replicaId) => _byId.GetValueOrDefault(replicaId);

    public bool Any(ReplicaRole role)
    {
        foreach (var replica in _replicas)
            if (replica.Role == role) return true;
        return false;
    }

    /// <summary>Moves every replica of role <paramref name="from"/> to <paramref name="to"/>; returns their ids.</summary>
    public List<string> Move(ReplicaRole from, ReplicaRole to)
    {
        var moved = new List<string>();
        foreach (var replica in _replicas)
        {
            if (replica.Role != from) continue;
            replica.Role = to;
            moved.Add(replica.Id);
        }
        return moved;
    }

    /// <summary>Forgets outgoing replicas whose engines have stopped.</summary>
    public void RemoveOutgoing(IReadOnlyCollection<string> replicaIds)
    {
        _replicas.RemoveAll(r => r.Role == ReplicaRole.Outgoing && replicaIds.Contains(r.Id));
        foreach (var id in replicaIds)
            if (_byId.TryGetValue(id, out var replica) && replica.Role == ReplicaRole.Outgoing) _byId.Remove(id);
    }

    public void ObserveReady(ReplicaRuntime replica)
    {
        if (replica.StartingSince is { } started) _startPrediction.ObserveLoad(started);
    }

    /// <summary>
    /// Milliseconds until some serving replica can take a task: 0 when one can, the rest of an expected load
    /// otherwise; null when none can come up (the pool then refuses tasks).
    /// </summary>
    public long? RemainingLoadMs() => _startPrediction.RemainingLoadMs(_replicas);

    public bool HasObservedLoad => _startPrediction.HasObservedLoad;

    public int ReadySlots => SumOver(static r => r.Dispatchable ? r.Slots : 0);

    public int FreeSlots => SumOver(static r => r.FreeSlots);

    /// <summary>The slots of the serving replicas that are loading or restarting.</summary>
    public int ComingUpSlots => SumOver(static r => r.CanComeUp ? r.Slots : 0);

    /// <summary>The fastest decode rate any replica has shown; null before any task finished.</summary>
    public double? FastestTokensPerSecond
    {
        get
        {
            double? fastest = null;
            foreach (var replica in _replicas)
                if (replica.Speed.TokensPerSecond is { } tps) fastest = Math.Max(fastest ?? 0, tps);
            return fastest;
        }
    }

    /// <summary>The largest per-slot context a task may ask for: the smallest any ready replica reports, else <paramref name="configured"/>.</summary>
    public int CtxMax(int configured)
    {
        var smallest = int.MaxValue;
        foreach (var replica in _replicas)
            if (replica.Dispatchable && replica.Facts is { } facts) smallest = Math.Min(smallest, facts.CtxPerSlot);
        return smallest == int.MaxValue ? configured : smallest;
    }

    /// <summary>Whether some serving replica is not taking tasks: the pool's last error then stays visible.</summary>
    public bool AnyServingDown()
    {
        foreach (var replica in _replicas)
            if (replica.HoldsPoolError) return true;
        return false;
    }

    public IEngineClient? AnyReadyClient()
    {
        foreach (var replica in _replicas)
            if (replica.Dispatchable) return replica.Client;
        return null;
    }

    public List<ReadyEngine> ReadyEngines()
    {
        var engines = new List<ReadyEngine>();
        foreach (var replica in _replicas)
            if (replica.Dispatchable && replica.Client is { } client) engines.Add(new ReadyEngine(replica.Id, replica.Model, client));
        return engines;
    }

    public List<ReplicaRuntime> OfRole(ReplicaRole role) => _replicas.FindAll(r => r.Role == role);

    public bool AllIdle(IReadOnlyCollection<string> replicaIds)
    {
        foreach (var replica in _replicas)
            if (replica.Busy > 0 && replicaIds.Contains(replica.Id)) return false;
        return true;
    }

    private int SumOver(Func<ReplicaRuntime, int> slots)
    {
        var sum = 0;
        foreach (var replica in _replicas) sum += slots(replica);
        return sum;
    }
}

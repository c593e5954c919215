using LlamaOrch.Core.Pools;

namespace LlamaOrch.Server.Health;

/// <summary>
/// Which pools orchestratord waits for before it calls itself ready (Orchestrator:Health:ReadyPools; every
/// pool when none are named): a pool is ready when at least one of its replicas can take a task now.
/// </summary>
internal sealed class PoolReadiness(IReadOnlyList<string> requiredPools)
{
    /// <summary>The ids of the pools readiness waits for that cannot serve yet.</summary>
    public IEnumerable<string> NotReady(IEnumerable<PoolStatus> pools) =>
        pools.Where(p => !p.Ready && (requiredPools.Count == 0 || requiredPools.Contains(p.Id, StringComparer.Ordinal))).Select(p => p.Id);

    public bool IsReady(IEnumerable<PoolStatus> pools) => !NotReady(pools).Any();
}

using LlamaOrch.Core.Pools;

namespace LlamaOrch.Server.Health;

/// <summary>
/// Which pools orchestratord waits for before it calls itself ready (Orchestrator:Health:ReadyPools; every
/// pool when none are named): a pool is ready when at least one of its replicas can take a task now.
/// </summary>
internal sealed class PoolReadiness(IReadOnlyList<string> requiredPools)
{
    public IReadOnlyList<string> RequiredPools { get; } = requiredPools;

    public bool IsReady(IEnumerable<PoolStatus> pools) =>
        pools.Where(p => RequiredPools.Count == 0 || RequiredPools.Contains(p.Id, StringComparer.Ordinal)).All(p => p.Ready);
}

using LlamaOrch.Core.Admission;
using LlamaOrch.Core.Pools;

namespace LlamaOrch.Server.Health;

/// <summary>
/// Whether orchestratord calls itself ready: not once admission has closed (it is shutting down), and otherwise
/// once the pools it waits for (Orchestrator:Health:ReadyPools; every pool when none are named) can each take a
/// task now: a replica is ready and the pool is neither draining nor stopped (see <see cref="PoolStatus.Ready"/>).
/// </summary>
internal sealed class PoolReadiness(IReadOnlyList<string> requiredPools, AdmissionGate admission)
{
    /// <summary>Why orchestratord is not ready, or null when it is.</summary>
    public string? Unready(IEnumerable<PoolStatus> pools)
    {
        if (admission.Refusal is { } closed) return closed.Message;
        var waiting = pools.Where(p => !p.Ready && (requiredPools.Count == 0 || requiredPools.Contains(p.Id, StringComparer.Ordinal))).Select(p => p.Id).ToList();
        return waiting.Count == 0 ? null : $"not ready: {string.Join(", ", waiting)}";
    }
}

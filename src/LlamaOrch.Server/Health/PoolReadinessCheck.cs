using LlamaOrch.Core.Pools;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace LlamaOrch.Server.Health;

/// <summary>The readiness check behind <c>/health/ready</c>: unhealthy (503) until the required pools can serve.</summary>
internal sealed class PoolReadinessCheck(PoolRegistry pools, PoolReadiness readiness) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var waiting = readiness.NotReady(pools.All.Select(p => p.Snapshot())).ToList();
        return Task.FromResult(waiting.Count == 0 ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy($"not ready: {string.Join(", ", waiting)}"));
    }
}

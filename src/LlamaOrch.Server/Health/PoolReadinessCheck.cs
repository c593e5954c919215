using LlamaOrch.Core.Pools;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace LlamaOrch.Server.Health;

/// <summary>The readiness check behind <c>/health/ready</c>: unhealthy (503) until the required pools can serve.</summary>
internal sealed class PoolReadinessCheck(PoolRegistry pools, PoolReadiness readiness) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var statuses = pools.All.Select(p => p.Snapshot()).ToList();
        if (readiness.IsReady(statuses)) return Task.FromResult(HealthCheckResult.Healthy());
        var waiting = statuses.Where(s => !s.Ready && (readiness.RequiredPools.Count == 0 || readiness.RequiredPools.Contains(s.Id)));
        return Task.FromResult(HealthCheckResult.Unhealthy($"not ready: {string.Join(", ", waiting.Select(s => s.Id))}"));
    }
}

using LlamaOrch.Core.Pools;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace LlamaOrch.Server.Health;

/// <summary>The readiness check behind <c>/health/ready</c>: unhealthy (503) while <see cref="PoolReadiness"/> says why.</summary>
internal sealed class PoolReadinessCheck(PoolRegistry pools, PoolReadiness readiness) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(readiness.Unready(pools.All.Select(p => p.Snapshot())) is { } why
            ? HealthCheckResult.Unhealthy(why)
            : HealthCheckResult.Healthy());
}

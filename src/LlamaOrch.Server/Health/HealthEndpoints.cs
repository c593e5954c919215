using LlamaOrch.Contracts;
using LlamaOrch.Contracts.Health;
using LlamaOrch.Core.Pools;
using LlamaOrch.Core.Tasks;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace LlamaOrch.Server.Health;

/// <summary>
/// Health answers, none of which needs a token: <c>/health/live</c> (200 while orchestratord runs: restart it
/// when this fails), <c>/health/ready</c> (200 once the pools it waits for can serve, 503 before: send it work
/// when this passes), and <c>/health</c>, always 200, with the same report for people and older clients.
/// </summary>
internal static class HealthEndpoints
{
    public const string ReadyTag = "ready";

    public static IServiceCollection AddOrchestratorHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks().AddCheck<PoolReadinessCheck>("pools", tags: [ReadyTag]);
        return services;
    }

    public static void MapHealth(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/health", (HttpContext context) => WriteReportAsync(context, report: null));
        routes.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteReportAsync })
            .WithMetadata(new HttpMethodMetadata([HttpMethods.Get]));
        routes.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag), ResponseWriter = WriteReportAsync })
            .WithMetadata(new HttpMethodMetadata([HttpMethods.Get]));
    }

    /// <summary>Every health answer has the same body; only the status code differs between them.</summary>
    private static Task WriteReportAsync(HttpContext context, HealthReport? report)
    {
        var pools = context.RequestServices.GetRequiredService<PoolRegistry>();
        var readiness = context.RequestServices.GetRequiredService<PoolReadiness>();
        var statuses = pools.All.Select(p => (Pool: p, Status: p.Snapshot())).ToList();
        var ready = readiness.Unready(statuses.Select(s => s.Status)) is null;
        var body = new HealthResponse(
            ready ? "ok" : "degraded",
            Live: true,
            ready,
            statuses.Select(s => new PoolHealth(
                s.Status.Id, s.Status.Model, s.Status.Ready, s.Status.ReplicasReady, s.Status.ReplicasTotal, s.Status.QueueDepth,
                s.Status.LastError, s.Pool.Config.Workloads.Select(WireNames.Of).ToList(), s.Status.EngineVersion)).ToList());
        return context.Response.WriteAsJsonAsync(body, ContractsJsonContext.Default.HealthResponse);
    }
}

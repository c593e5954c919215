using LlamaOrch.Contracts;
using LlamaOrch.Contracts.Health;
using LlamaOrch.Core.Pools;
using LlamaOrch.Core.Tasks;

namespace LlamaOrch.Server.Endpoints;

internal static class HealthEndpoint
{
    /// <summary>
    /// <c>GET /health</c> needs no token: 200 while orchestratord runs (<c>live</c>), with <c>ready</c> true
    /// once every pool has a ready replica, and each pool's state and last error.
    /// </summary>
    public static void MapHealth(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/health", (PoolRegistry pools) =>
        {
            var statuses = pools.All.Select(p => p.Snapshot()).ToList();
            var ready = statuses.All(s => s.Ready);
            var body = new HealthResponse(
                ready ? "ok" : "degraded",
                Live: true,
                ready,
                pools.All.Zip(statuses, (pool, s) => new PoolHealth(
                    s.Id, s.Model, s.Ready, s.ReplicasReady, s.ReplicasTotal, s.QueueDepth, s.LastError,
                    pool.Config.Workloads.Select(WireNames.Of).ToList(), s.EngineVersion)).ToList());
            return Results.Json(body, ContractsJsonContext.Default.HealthResponse);
        });
    }
}

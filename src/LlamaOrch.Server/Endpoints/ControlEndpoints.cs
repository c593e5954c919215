using System.Text.Json;
using LlamaOrch.Contracts;
using LlamaOrch.Contracts.Control;
using LlamaOrch.Core.Admission;
using LlamaOrch.Core.Engines;
using LlamaOrch.Core.Pools;
using LlamaOrch.Core.Scheduling;
using LlamaOrch.Core.Tasks;
using LlamaOrch.Server.Http;

namespace LlamaOrch.Server.Endpoints;

internal static class ControlEndpoints
{
    public const string ApiVersion = "0.1.0";

    public static void MapControlEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v1/capabilities", (PoolRegistry pools) =>
            Results.Json(Capabilities(pools), ContractsJsonContext.Default.CapabilitiesResponse));

        routes.MapGet("/v1/pools/{id}/health", (HttpContext context, string id, PoolRegistry pools) =>
        {
            if (pools.Find(id) is not { } pool) return ErrorResponses.NotFoundAsync(context, $"no pool '{id}'");
            var s = pool.Snapshot();
            var body = new PoolHealthResponse(s.Live, s.Ready, s.Draining, s.LastError,
                new PoolMetrics(s.QueueDepth, s.BusySlots, s.ReadySlots, s.ReplicasReady, s.ReplicasTotal));
            return context.Response.WriteAsJsonAsync(body, ContractsJsonContext.Default.PoolHealthResponse);
        });

        routes.MapPost("/v1/pools/{id}/drain", DrainAsync);
    }

    /// <summary>Stops the pool admitting; what is queued or running may finish within deadline_ms.</summary>
    private static async Task DrainAsync(HttpContext context, string id, PoolRegistry pools)
    {
        if (pools.Find(id) is not { } pool)
        {
            await ErrorResponses.NotFoundAsync(context, $"no pool '{id}'");
            return;
        }

        DrainRequest? request;
        try
        {
            request = await JsonSerializer.DeserializeAsync(context.Request.Body, ContractsJsonContext.Default.DrainRequest, context.RequestAborted);
        }
        catch (JsonException)
        {
            await ErrorResponses.WriteAsync(context, Rejection.InvalidParams("body", "malformed JSON; send {\"deadline_ms\": N}"));
            return;
        }
        if (request?.DeadlineMs is not ({ } deadlineMs and >= 0 and <= TaskRequestValidator.MaxDeadlineMs))
        {
            await ErrorResponses.WriteAsync(context, Rejection.InvalidParams("deadline_ms", $"required, from 0 to {TaskRequestValidator.MaxDeadlineMs}"));
            return;
        }

        pool.Drain(TimeSpan.FromMilliseconds(deadlineMs));
        context.Response.StatusCode = StatusCodes.Status202Accepted;
        await context.Response.WriteAsJsonAsync(new DrainResponse(pool.Id, Draining: true, deadlineMs), ContractsJsonContext.Default.DrainResponse);
    }

    private static CapabilitiesResponse Capabilities(PoolRegistry pools)
    {
        var engines = pools.All.Select(pool =>
        {
            var s = pool.Snapshot();
            var config = pool.Config;
            var synthetic = config.Model.StartsWith("sim:", StringComparison.Ordinal);
            return new EngineCapability(
                WireNames.Of(config.Engine),
                s.EngineVersion,
                pool.Id,
                config.Model,
                s.Ready,
                s.CtxMax,
                s.CtxMax, // a task's output fits in its slot's context
                config.Workloads.Select(WireNames.Of).ToList(),
                config.Slots * config.Replicas,
                config.Replicas,
                new RateLimits(config.QueueCapacity, config.QueuePolicy == FullPolicy.Reject ? "reject" : "drop-lru"),
                new EngineFeatures(Streaming: true, Cancel: true, DeterminismStrict: true, PrefixCache: !synthetic, Synthetic: synthetic));
        }).ToList();

        var profiles = SamplingProfile.Known.Values.Select(p => new SamplerProfileInfo(
            p.Version, p.Temperature, p.TopK, p.TopP, p.MinP, p.RepeatPenalty,
            p.IsGreedy ? ["repeat_penalty"] : ["temperature", "top_k", "top_p", "min_p", "repeat_penalty"])).ToList();

        return new CapabilitiesResponse(ApiVersion, engines, profiles, new DeterminismGuarantees(
            Strict: "identical token stream for identical {prompt, parameters, seed, sampler_profile_version, engine_version, model digest}, whatever else the replica runs (docs/determinism.md)",
            BestEffort: "may batch with other sequences and reuse cached prompt prefixes; usually but not always identical"));
    }
}

using LlamaOrch.Core.Budgets;
using LlamaOrch.Contracts;
using LlamaOrch.Contracts.Control;
using LlamaOrch.Contracts.Errors;
using LlamaOrch.Core.Admission;
using LlamaOrch.Core.Catalog;
using LlamaOrch.Core.Placement;
using LlamaOrch.Core.Engines;
using LlamaOrch.Core.Pools;
using LlamaOrch.Core.Scheduling;
using LlamaOrch.Core.Tasks;
using LlamaOrch.EngineProtocol.Simulation;
using LlamaOrch.Engines.Models;
using LlamaOrch.Engines.Supervision;
using LlamaOrch.Server.Configuration;
using LlamaOrch.Server.Http;

using LlamaOrch.Server.Endpoints.Mcp;
using LlamaOrch.Server.Tools;

namespace LlamaOrch.Server.Endpoints;

internal static class ControlEndpoints
{
    public const string ApiVersion = "0.3.0";

    public static void MapControlEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v1/capabilities", (PoolRegistry pools, OrchestratorSettings settings, BudgetPolicy budgets, SearchSettings search) =>
            Results.Json(Capabilities(pools, settings.Sessions, budgets, search), ContractsJsonContext.Default.CapabilitiesResponse));

        routes.MapGet("/v1/pools/{id}/health", (HttpContext context, string id, PoolRegistry pools, PlacementCounters counters) =>
        {
            if (pools.Find(id) is not { } pool) return ErrorResponses.NotFoundAsync(context, $"no pool '{id}'");
            var s = pool.Snapshot();
            var body = new PoolHealthResponse(s.Live, s.Ready, s.Draining, s.Reloading, s.Model, s.LastError,
                new PoolMetrics(s.QueueDepth, s.BusySlots, s.ReadySlots, s.ReplicasReady, s.ReplicasTotal, counters.Snapshot()));
            return context.Response.WriteAsJsonAsync(body, ContractsJsonContext.Default.PoolHealthResponse);
        });

        routes.MapGet("/v1/replicasets", (PoolRegistry pools) =>
            Results.Json(ReplicaSets(pools), ContractsJsonContext.Default.IReadOnlyListReplicaSetEntry));

        routes.MapPost("/v1/pools/{id}/drain", DrainAsync);
        routes.MapPost("/v1/pools/{id}/resume", ResumeAsync);
        routes.MapPost("/v1/pools/{id}/reload", ReloadAsync);
    }

    /// <summary>
    /// Switches the pool to another model atomically: 202 once the new replicas serve, 409 (rolled back,
    /// still serving the old model) when they cannot start. The request lasts as long as the load does.
    /// </summary>
    private static async Task ReloadAsync(HttpContext context, string id, PoolRegistry pools, PoolLifecycle lifecycle, ModelCatalog catalog)
    {
        if (pools.Find(id) is not { } pool)
        {
            await ErrorResponses.NotFoundAsync(context, $"no pool '{id}'");
            return;
        }
        if (await JsonBody.ReadAsync(context, ContractsJsonContext.Default.ReloadRequest, "{\"new_model_ref\": \"hf:org/repo/file.gguf\"}") is not { } request) return;
        if (string.IsNullOrWhiteSpace(request.NewModelRef))
        {
            await ErrorResponses.WriteAsync(context, Rejection.InvalidParams("new_model_ref", "required: a model ref or a catalog id"), EngineOf(pool));
            return;
        }
        if (!ModelRef.TryParse(catalog.Find(request.NewModelRef)?.ModelRef ?? request.NewModelRef, out _, out var refError))
        {
            await ErrorResponses.WriteAsync(context, Rejection.InvalidParams("new_model_ref", refError), EngineOf(pool));
            return;
        }
        if (catalog.AdmissionCheck(request.NewModelRef) is { } untrusted)
        {
            await ErrorResponses.WriteAsync(context, untrusted, EngineOf(pool));
            return;
        }

        if (await lifecycle.ReloadAsync(pool, request.NewModelRef, context.RequestAborted) is { } failed)
        {
            await ErrorResponses.WriteAsync(context, failed, EngineOf(pool));
            return;
        }
        var replicas = pool.Replicas();
        context.Response.StatusCode = StatusCodes.Status202Accepted;
        await context.Response.WriteAsJsonAsync(new ReloadResponse(
            pool.Id, pool.Config.Model,
            replicas.Where(r => r.Role == ReplicaRole.Serving).Select(r => r.Id).ToList(),
            replicas.Where(r => r.Role == ReplicaRole.Outgoing).Select(r => r.Id).ToList()),
            ContractsJsonContext.Default.ReloadResponse);
    }

    /// <summary>Admits again after a drain (its replicas kept running). A pool whose model is retired stays out.</summary>
    private static async Task ResumeAsync(HttpContext context, string id, PoolRegistry pools, ModelCatalog catalog)
    {
        if (pools.Find(id) is not { } pool)
        {
            await ErrorResponses.NotFoundAsync(context, $"no pool '{id}'");
            return;
        }
        if (catalog.AdmissionCheck(pool.Config.Model) is { Code: ErrorCodes.ModelDeprecated } retired)
        {
            // Its drain is the retirement's: only making the model Active again brings the pool back.
            await ErrorResponses.WriteAsync(context, retired, EngineOf(pool));
            return;
        }
        if (pool.IsStopped)
        {
            await ErrorResponses.WriteAsync(context, pool.UnreadyRejection(), EngineOf(pool));
            return;
        }
        pool.Resume();
        context.Response.StatusCode = StatusCodes.Status202Accepted;
        await context.Response.WriteAsJsonAsync(new ResumeResponse(pool.Id, pool.IsDraining), ContractsJsonContext.Default.ResumeResponse);
    }

    /// <summary>The engine an error about this pool concerns.</summary>
    private static string EngineOf(PoolRuntime pool) => WireNames.Of(pool.Config.Engine);

    private static List<ReplicaSetEntry> ReplicaSets(PoolRegistry pools) =>
        pools.All.SelectMany(pool => pool.Replicas().Select(r => new ReplicaSetEntry(
            r.Id, r.PoolId, WireNames.Of(pool.Config.Engine), r.EngineVersion, r.Model,
            r.Device is { } device ? [device] : [],
            r.SlotsTotal, r.SlotsFree, Math.Round((double)r.Busy / Math.Max(r.SlotsTotal, 1), 4), r.State,
            r.TokensPerSecond, r.TimeToFirstTokenMs, r.LastError,
            new ReplicaSlo(r.TimeToFirstTokenMs, r.TokensPerSecond, r.Completed)))).ToList();

    /// <summary>Stops the pool admitting; what is queued or running may finish within deadline_ms.</summary>
    private static async Task DrainAsync(HttpContext context, string id, PoolRegistry pools)
    {
        if (pools.Find(id) is not { } pool)
        {
            await ErrorResponses.NotFoundAsync(context, $"no pool '{id}'");
            return;
        }

        if (await JsonBody.ReadAsync(context, ContractsJsonContext.Default.DrainRequest, "{\"deadline_ms\": N}") is not { } request) return;
        if (request.DeadlineMs is not ({ } deadlineMs and >= 0 and <= TaskRequestValidator.MaxDeadlineMs))
        {
            await ErrorResponses.WriteAsync(context, Rejection.InvalidParams("deadline_ms", $"required, from 0 to {TaskRequestValidator.MaxDeadlineMs}"), EngineOf(pool));
            return;
        }

        pool.Drain(TimeSpan.FromMilliseconds(deadlineMs));
        context.Response.StatusCode = StatusCodes.Status202Accepted;
        await context.Response.WriteAsJsonAsync(new DrainResponse(pool.Id, Draining: true, deadlineMs), ContractsJsonContext.Default.DrainResponse);
    }

    private static CapabilitiesResponse Capabilities(PoolRegistry pools, SessionsOptions sessions, BudgetPolicy budgets, SearchSettings search)
    {
        var engines = pools.All.Select(pool =>
        {
            var s = pool.Snapshot();
            var config = pool.Config;
            var synthetic = SimRef.IsSimRef(config.Model);
            return new EngineCapability(
                WireNames.Of(config.Engine),
                s.EngineVersion,
                pool.Id,
                config.Model,
                s.Ready,
                s.CtxMax,
                s.CtxMax, // a task's output fits in its slot's context
                config.Workloads.Select(WireNames.Of).ToList(),
                // An upstream's slots as it reports them once it has answered (/props), else as configured.
                pool.Replicas().Where(r => r.Role == ReplicaRole.Serving).Sum(r => r.SlotsTotal),
                config.Replicas + config.Upstreams.Count,
                new RateLimits(config.QueueCapacity, config.QueuePolicy == FullPolicy.Reject ? "reject" : "drop-lru"),
                // Strict determinism holds on the engines we start: llorch-engine keeps strict sequences apart, and
                // a strict task on a llama-server runs with no other completion beside it (BatchIsolation,
                // docs/determinism.md). An upstream we do not start may run other clients' work beside ours (issue 18
                // defect 3): no promise there.
                new EngineFeatures(Streaming: true, Cancel: true, DeterminismStrict: config.Upstreams.Count == 0, PrefixCache: !synthetic, Synthetic: synthetic,
                    // llama.cpp and TGI always report their counts; an OpenAI-compatible server or Triton may not.
                    config.Upstreams.Any(u => u.Protocol is UpstreamProtocol.OpenAi or UpstreamProtocol.Triton) ? "estimated_if_unreported" : "exact"));
        }).ToList();

        var profiles = SamplingProfile.Known.Values.Select(p => new SamplerProfileInfo(
            p.Version, p.Temperature, p.TopK, p.TopP, p.MinP, p.RepeatPenalty,
            p.IsGreedy ? ["repeat_penalty"] : ["temperature", "top_k", "top_p", "min_p", "repeat_penalty"])).ToList();

        return new CapabilitiesResponse(ApiVersion, engines, profiles, new DeterminismGuarantees(
            Strict: "identical token stream for identical {prompt, parameters, seed, sampler_profile_version, engine_version, model digest}, whatever else the replica runs (docs/determinism.md)",
            BestEffort: "may batch with other sequences and reuse cached prompt prefixes; usually but not always identical"),
            new OrchestratorFeatures(new SessionFeatures(
                KvReuse: true, IdleTtlMs: sessions.IdleTtlSeconds * 1000L, sessions.AffinityWaitMs, DeleteErasesKv: true, sessions.MaxTurns,
                new BudgetFeatures(budgets.Mode.ToString().ToLowerInvariant(), budgets.Defaults.Tokens, budgets.Defaults.TimeMs, budgets.Defaults.Cost)),
                new ToolFeatures(["/v1/tools/http/fetch", "/v1/tools/search"], SearchBackend: search.Url is not null, McpToolServer.Path, McpToolServer.ToolNames)));
    }
}

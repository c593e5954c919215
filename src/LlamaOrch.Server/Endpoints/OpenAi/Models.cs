using LlamaOrch.Contracts.OpenAi;
using LlamaOrch.Core.Catalog;
using LlamaOrch.Core.Pools;
using LlamaOrch.Core.Tasks;

namespace LlamaOrch.Server.Endpoints.OpenAi;

/// <summary>
/// <c>GET /v1/models</c>: every name a request's <c>model</c> may take. Each pool (by its id) and each catalog entry
/// (by its id), with the workloads it serves and the pools serving it as extensions.
/// </summary>
internal static class Models
{
    public const string OwnedBy = "llama-orch";

    public static Task HandleAsync(HttpContext context, PoolRegistry pools, ModelCatalog catalog)
    {
        var now = OpenAiTaskFields.Now();
        var entries = new List<ModelEntry>();
        foreach (var pool in pools.All)
            entries.Add(new ModelEntry(pool.Id, now, OwnedBy, pool.Config.Workloads.Select(WireNames.Of).ToList(), [pool.Id]));
        foreach (var model in catalog.All)
        {
            var serving = pools.All.Where(p => p.Config.Model == model.Id || p.Config.Model == model.ModelRef).ToList();
            entries.Add(new ModelEntry(model.Id, model.CreatedMs / 1000, OwnedBy,
                serving.SelectMany(p => p.Config.Workloads).Distinct().Select(WireNames.Of).ToList(), serving.Select(p => p.Id).ToList()));
        }
        return context.Response.WriteAsJsonAsync(new ModelList(entries), OpenAiJsonContext.Default.ModelList, contentType: "application/json", context.RequestAborted);
    }
}

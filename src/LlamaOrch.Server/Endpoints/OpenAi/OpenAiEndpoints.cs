using LlamaOrch.Core.Admission;
using LlamaOrch.Core.Catalog;
using LlamaOrch.Core.Pools;
using LlamaOrch.Server.Metrics;

namespace LlamaOrch.Server.Endpoints.OpenAi;

/// <summary>The OpenAI-compatible door (docs/openai-anthropic.md): a translator in front of the one admission path.</summary>
internal static class OpenAiEndpoints
{
    private static readonly string[] Paths = ["/v1/chat/completions", "/v1/completions", "/v1/embeddings", "/v1/models", "/v1/rerank"];

    /// <summary>Whether <paramref name="path"/> is this door's, so that its 401/403 are written in OpenAI's shape.</summary>
    public static bool Owns(PathString path)
    {
        // A loop, not Any with a closure: every error envelope asks this.
        foreach (var owned in Paths)
            if (path.StartsWithSegments(owned, StringComparison.OrdinalIgnoreCase)) return true;
        return false;
    }

    public static void MapOpenAiEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/v1/chat/completions", (HttpContext context, AdmissionService admission, AdmissionLimits limits, PrometheusTaskMetrics metrics) =>
            ChatCompletions.HandleAsync(context, admission, limits, metrics));
        routes.MapPost("/v1/completions", (HttpContext context, AdmissionService admission, AdmissionLimits limits, PrometheusTaskMetrics metrics) =>
            Completions.HandleAsync(context, admission, limits, metrics));
        routes.MapPost("/v1/embeddings", (HttpContext context, AdmissionService admission, AdmissionLimits limits, PrometheusTaskMetrics metrics) =>
            Embeddings.HandleAsync(context, admission, limits, metrics));
        routes.MapPost("/v1/rerank", (HttpContext context, AdmissionService admission, AdmissionLimits limits, PrometheusTaskMetrics metrics) =>
            Rerank.HandleAsync(context, admission, limits, metrics));
        routes.MapGet("/v1/models", (HttpContext context, PoolRegistry pools, ModelCatalog catalog) =>
            Models.HandleAsync(context, pools, catalog));
    }
}

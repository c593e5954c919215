using LlamaOrch.Core.Admission;
using LlamaOrch.Server.Metrics;

namespace LlamaOrch.Server.Endpoints.Anthropic;

/// <summary>The Anthropic Messages door (docs/openai-anthropic.md, contracts/openapi/anthropic.yaml).</summary>
internal static class AnthropicEndpoints
{
    public static void MapAnthropicEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/v1/messages", (HttpContext context, AdmissionService admission, AdmissionLimits limits, PrometheusTaskMetrics metrics) =>
            MessagesEndpoint.HandleAsync(context, admission, limits, metrics));

        routes.MapPost("/v1/messages/count_tokens", (HttpContext context, AdmissionService admission, AdmissionLimits limits) =>
            CountTokensEndpoint.HandleAsync(context, admission, limits));
    }
}

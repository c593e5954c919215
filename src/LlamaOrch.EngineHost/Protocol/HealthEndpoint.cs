using LlamaOrch.EngineProtocol.Wire;

namespace LlamaOrch.EngineHost.Protocol;

/// <summary><c>GET /health</c>. Reached only once the model is loaded; the loading gate answers 503 before.</summary>
internal static class HealthEndpoint
{
    public static Task HandleAsync(HttpContext context) =>
        context.Response.WriteAsJsonAsync(
            HealthResponse.Ok,
            LlamaCppJsonContext.Relaxed.HealthResponse,
            contentType: null,
            context.RequestAborted);
}

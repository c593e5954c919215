using LlamaOrch.Contracts;
using LlamaOrch.Core.Engines;
using LlamaOrch.Core.Sessions;
using LlamaOrch.Server.Http;

namespace LlamaOrch.Server.Endpoints;

/// <summary><c>GET</c> and <c>DELETE /v1/sessions/{id}</c>: a session's turns and KV, and dropping them.</summary>
internal static class SessionEndpoints
{
    public static void MapSessionEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v1/sessions/{id}", (HttpContext context, string id, SessionRegistry sessions) =>
            sessions.Find(id) is { } session
                ? context.Response.WriteAsJsonAsync(session, ContractsJsonContext.Default.SessionResponse, contentType: null, context.RequestAborted)
                : UnknownAsync(context, id));

        // Answers once the engine has erased the slot, so a GET right after reads the truth.
        routes.MapDelete("/v1/sessions/{id}", async (HttpContext context, string id, SessionRegistry sessions, ILogger<SessionRegistry> logger) =>
        {
            bool known;
            try
            {
                known = await sessions.DeleteAsync(id, context.RequestAborted);
            }
            catch (EngineFailureException refused)
            {
                // The session has ended; only its cache may linger until another prompt takes the slot.
                logger.LogWarning("Session {SessionId} deleted, but its engine did not erase its slot: {Message}", id, refused.Message);
                known = true;
            }
            if (!known) await UnknownAsync(context, id);
            else context.Response.StatusCode = StatusCodes.Status204NoContent;
        });
    }

    private static Task UnknownAsync(HttpContext context, string id) =>
        ErrorResponses.NotFoundAsync(context, $"no session {id} (never named by a task, deleted, or idle longer than Orchestrator:Sessions:IdleTtlSeconds)");
}

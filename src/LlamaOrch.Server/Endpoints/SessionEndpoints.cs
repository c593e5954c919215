using LlamaOrch.Contracts;
using LlamaOrch.Contracts.Sessions;
using LlamaOrch.Core.Admission;
using LlamaOrch.Core.Budgets;
using LlamaOrch.Core.Engines;
using LlamaOrch.Core.Sessions;
using LlamaOrch.Server.Http;

namespace LlamaOrch.Server.Endpoints;

/// <summary><c>GET</c> and <c>DELETE /v1/sessions/{id}</c>: a session's turns and KV, and dropping them; <c>PUT /v1/sessions/{id}/budget</c>: its budget.</summary>
internal static class SessionEndpoints
{
    public static void MapSessionEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v1/sessions/{id}", (HttpContext context, string id, SessionRegistry sessions) =>
            Canonical(id) is { } known && sessions.Find(known) is { } session
                ? context.Response.WriteAsJsonAsync(session, ContractsJsonContext.Default.SessionResponse, contentType: null, context.RequestAborted)
                : UnknownAsync(context, id));

        // Starts the session if need be, so a budget can be set before its first task.
        routes.MapPut("/v1/sessions/{id}/budget", async (HttpContext context, string id, SessionRegistry sessions) =>
        {
            if (await JsonBody.ReadAsync(context, ContractsJsonContext.Default.BudgetRequest, "a JSON object such as {\"tokens\": 10000, \"time_ms\": 60000, \"cost\": 0.5}") is not { } body) return;
            var session = Canonical(id);
            if ((session is null ? Rejection.InvalidParams("id", "must be a uuid, as a task's session_id is") : BudgetProblem(body, sessions.BudgetMode)) is { } problem)
            {
                await ErrorResponses.WriteAsync(context, problem);
                return;
            }
            var report = sessions.SetBudget(session!, new BudgetLimits(body.Tokens, body.TimeMs, body.Cost));
            await context.Response.WriteAsJsonAsync(report, ContractsJsonContext.Default.SessionResponse, contentType: null, context.RequestAborted);
        });

        // Answers once the engine has erased the slot, so a GET right after reads the truth.
        routes.MapDelete("/v1/sessions/{id}", async (HttpContext context, string id, SessionRegistry sessions, ILogger<SessionRegistry> logger) =>
        {
            bool known;
            try
            {
                known = Canonical(id) is { } session && await sessions.DeleteAsync(session, context.RequestAborted);
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

    /// <summary>A session id as tasks store it (a uuid's lower-case hyphenated form), so any spelling of it finds its session; null for a non-uuid.</summary>
    private static string? Canonical(string id) => Guid.TryParse(id, out var uuid) ? uuid.ToString("D") : null;

    private static Rejection? BudgetProblem(BudgetRequest body, BudgetMode mode)
    {
        if (mode == BudgetMode.Off) return Rejection.InvalidParams("budget", "budgets are off; set Orchestrator:Budgets:Mode to advisory or enforce");
        if (body.Tokens < 0) return Rejection.InvalidParams("tokens", "must be 0 or more, or absent for unlimited");
        if (body.TimeMs < 0) return Rejection.InvalidParams("time_ms", "must be 0 or more, or absent for unlimited");
        if (body.Cost < 0) return Rejection.InvalidParams("cost", "must be 0 or more, or absent for unlimited");
        return null;
    }

    private static Task UnknownAsync(HttpContext context, string id) =>
        ErrorResponses.NotFoundAsync(context, $"no session {id} (never named by a task, deleted, or idle longer than Orchestrator:Sessions:IdleTtlSeconds)");
}

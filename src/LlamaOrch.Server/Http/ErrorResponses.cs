using System.Globalization;
using LlamaOrch.Contracts;
using LlamaOrch.Contracts.Errors;
using LlamaOrch.Core.Admission;
using LlamaOrch.Server.Endpoints.Anthropic;
using LlamaOrch.Server.Endpoints.OpenAi;

namespace LlamaOrch.Server.Http;

/// <summary>Writes the standard error envelope, with the correlation id and backoff headers.</summary>
internal static class ErrorResponses
{
    /// <summary>The message of the error envelope written on this request, if one was (for an audit row that must say why).</summary>
    public static string? MessageOf(HttpContext context) => context.Features.Get<WrittenError>()?.Message;

    public static int StatusOf(string code) => code switch
    {
        ErrorCodes.InvalidParams or ErrorCodes.DeadlineUnmet or ErrorCodes.UntrustedArtifact => StatusCodes.Status400BadRequest,
        ErrorCodes.ModelDeprecated or ErrorCodes.BudgetExceeded or ErrorCodes.SessionTurnLimit or ErrorCodes.ToolPolicyDenied or ErrorCodes.PolicyDenied => StatusCodes.Status403Forbidden,
        ErrorCodes.ReloadConflict or ErrorCodes.CatalogConflict or ErrorCodes.ModelDigestMismatch or ErrorCodes.TaskExists => StatusCodes.Status409Conflict,
        ErrorCodes.Unauthorized => StatusCodes.Status401Unauthorized,
        ErrorCodes.Forbidden => StatusCodes.Status403Forbidden,
        ErrorCodes.NotFound => StatusCodes.Status404NotFound,
        ErrorCodes.AdmissionReject or ErrorCodes.QueueFullDropLru => StatusCodes.Status429TooManyRequests,
        ErrorCodes.PoolUnready or ErrorCodes.PoolUnavailable or ErrorCodes.ToolUnavailable or ErrorCodes.WorkerReset => StatusCodes.Status503ServiceUnavailable,
        ErrorCodes.ToolFetchFailed or ErrorCodes.ToolBackendInvalid => StatusCodes.Status502BadGateway,
        _ => StatusCodes.Status500InternalServerError,
    };

    /// <param name="engine">The engine the request concerns (a pool's, a task's) when the rejection does not name one.</param>
    public static Task WriteAsync(HttpContext context, Rejection rejection, string? engine = null)
    {
        var status = StatusOf(rejection.Code);
        if (InOwnShape(context))
            return WriteAsync(context, status, rejection.ToEnvelope(null) with { Engine = rejection.Engine ?? engine });
        // Every 429 of a full queue comes this way: the envelope is built once, as it is written.
        var envelope = new ErrorEnvelope(rejection.Code, rejection.Message, rejection.Engine ?? engine ?? ErrorEnvelope.NoEngine,
            rejection.Retriable, rejection.RetryAfterMs, rejection.PolicyLabel, CorrelationIdMiddleware.Of(context));
        Prepare(context, status, envelope);
        return JsonAnswer.WriteAsync(context.Response, envelope, ContractsJsonContext.Default.ErrorEnvelope, contentType: "application/json");
    }

    public static Task WriteAsync(HttpContext context, int status, ErrorEnvelope envelope)
    {
        Prepare(context, status, envelope);
        var response = context.Response;
        // The OpenAI and Anthropic doors answer in their own error shapes, whichever layer refuses the request (the token
        // check, the body reader, the limits, routing, the door itself), so their SDKs raise their own errors.
        if (AnthropicErrors.Owns(context)) return AnthropicErrors.WriteAsync(context, status, envelope);
        if (OpenAiEndpoints.Owns(context.Request.Path)) return OpenAiErrors.WriteAsync(response, status, envelope);
        return JsonAnswer.WriteAsync(response, envelope with { Engine = envelope.Engine ?? ErrorEnvelope.NoEngine, CorrelationId = CorrelationIdMiddleware.Of(context) },
            ContractsJsonContext.Default.ErrorEnvelope, contentType: "application/json");
    }

    private static bool InOwnShape(HttpContext context) => AnthropicErrors.Owns(context) || OpenAiEndpoints.Owns(context.Request.Path);

    /// <summary>The status, and for a 429 or 503 with a backoff its headers; the message is kept for the audit.</summary>
    private static void Prepare(HttpContext context, int status, ErrorEnvelope envelope)
    {
        // A feature rather than HttpContext.Items: every 429 of a flood comes this way, and Items is a dictionary per request.
        context.Features.Set(new WrittenError(envelope.Message));
        var response = context.Response;
        response.StatusCode = status;
        // Again: the exception handler clears the headers CorrelationIdMiddleware set before it writes the envelope here.
        response.Headers[CorrelationIdMiddleware.Header] = CorrelationIdMiddleware.Of(context);
        if (envelope.RetryAfterMs is { } retryAfterMs && status is 429 or 503)
        {
            // Retry-After carries whole seconds (at least 1); X-Backoff-Ms keeps the precise value.
            response.Headers.RetryAfter = Math.Max(1, (long)Math.Ceiling(retryAfterMs / 1000.0)).ToString(CultureInfo.InvariantCulture);
            response.Headers["X-Backoff-Ms"] = retryAfterMs.ToString(CultureInfo.InvariantCulture);
        }
    }

    /// <summary>What <see cref="MessageOf"/> reads.</summary>
    private sealed record WrittenError(string Message);

    /// <summary>
    /// INVALID_PARAMS for a request refused before it reached an endpoint (the body reader, the limits, Kestrel): the same
    /// request will be refused again, except when its body stopped arriving (408), which a client may well send again.
    /// </summary>
    public static ErrorEnvelope Unreadable(int status, string message) =>
        new(ErrorCodes.InvalidParams, message, Retriable: status == StatusCodes.Status408RequestTimeout);

    public static Task NotFoundAsync(HttpContext context, string what) =>
        WriteAsync(context, StatusCodes.Status404NotFound, new ErrorEnvelope(ErrorCodes.NotFound, what));
}

using LlamaOrch.Contracts.Anthropic;
using LlamaOrch.Contracts.Errors;

namespace LlamaOrch.Server.Endpoints.Anthropic;

/// <summary>
/// Anthropic's error shape, <c>{"type":"error","error":{"type","message"}}</c>, for every 4xx/5xx under
/// <c>/v1/messages</c>, whoever refuses the request: the door itself, the token check, the body reader, the request
/// limits, routing (404/405) or the exception handler. <see cref="Http.ErrorResponses"/> asks <see cref="Owns"/> and hands
/// the envelope over; the status and the <c>Retry-After</c>/<c>X-Backoff-Ms</c> headers are already decided by then.
/// </summary>
internal static class AnthropicErrors
{
    public const string PathPrefix = "/v1/messages";

    public static bool Owns(HttpContext context) => context.Request.Path.StartsWithSegments(PathPrefix);

    public static Task WriteAsync(HttpContext context, int status, ErrorEnvelope envelope) =>
        context.Response.WriteAsJsonAsync(Of(status, envelope), AnthropicJsonContext.Default.AnthropicErrorResponse, contentType: "application/json");

    public static AnthropicErrorResponse Of(int status, ErrorEnvelope envelope) =>
        new("error", new AnthropicError(TypeOf(status, envelope.Code), envelope.Message));

    /// <summary>Anthropic's error type for our status (and, where one status has several meanings, our code).</summary>
    public static string TypeOf(int status, string code) => status switch
    {
        401 => "authentication_error",
        403 => "permission_error",
        404 => "not_found_error",
        413 => "request_too_large",
        429 => "rate_limit_error",
        503 => "overloaded_error",
        >= 500 => "api_error",
        // 400, 405, 408, 409, 414, 415, 431: the client's request is at fault.
        _ when code == ErrorCodes.Internal => "api_error",
        _ => "invalid_request_error",
    };
}

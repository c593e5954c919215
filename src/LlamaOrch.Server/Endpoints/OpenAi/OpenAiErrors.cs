using LlamaOrch.Contracts.Errors;
using LlamaOrch.Contracts.OpenAi;
using LlamaOrch.Core.Admission;
using LlamaOrch.Server.Http;

namespace LlamaOrch.Server.Endpoints.OpenAi;

/// <summary>
/// The OpenAI door's error answers: <c>{"error":{"message","type","param","code"}}</c>, with the same status,
/// <c>Retry-After</c> and <c>X-Backoff-Ms</c> as the task API's envelope, so OpenAI's SDKs retry a 429 when we say.
/// </summary>
internal static class OpenAiErrors
{
    /// <summary>
    /// Writes an error under an OpenAI path: <see cref="ErrorResponses"/> sets the status and the backoff headers and
    /// then hands the body to <see cref="WriteAsync(HttpResponse, int, ErrorEnvelope)"/>.
    /// </summary>
    public static Task WriteAsync(HttpContext context, int status, ErrorEnvelope envelope) => ErrorResponses.WriteAsync(context, status, envelope);

    /// <summary>A task's error (its <c>error</c> frame, or a cancel by others) as the whole answer, with its code's status.</summary>
    public static Task WriteAsync(HttpContext context, ErrorEnvelope envelope) => WriteAsync(context, ErrorResponses.StatusOf(envelope.Code), envelope);

    internal static Task WriteAsync(HttpResponse response, int status, ErrorEnvelope envelope) =>
        response.WriteAsJsonAsync(Of(envelope, status), OpenAiJsonContext.Default.OpenAiErrorResponse, contentType: "application/json");

    public static Task WriteAsync(HttpContext context, Rejection rejection) =>
        WriteAsync(context, ErrorResponses.StatusOf(rejection.Code), rejection.ToEnvelope(null));

    public static Task InvalidAsync(HttpContext context, string field, string problem) =>
        WriteAsync(context, Rejection.InvalidParams(field, problem));

    /// <summary>A stream's last event when its task failed or was canceled by others: the error object, and no <c>[DONE]</c>.</summary>
    public static void WriteEvent(SseJsonWriter sse, ErrorEnvelope envelope) =>
        sse.Write(Of(envelope, ErrorResponses.StatusOf(envelope.Code)), OpenAiJsonContext.Default.OpenAiErrorResponse);

    public static OpenAiErrorResponse Of(ErrorEnvelope envelope, int status) =>
        new(new OpenAiError(envelope.Message, TypeOf(envelope.Code, status), ParamOf(envelope), envelope.Code.ToLowerInvariant()));

    /// <summary>OpenAI's error classes, by our code first (a budget is a quota) and else by status.</summary>
    private static string TypeOf(string code, int status) => code switch
    {
        ErrorCodes.BudgetExceeded => "insufficient_quota",
        _ => status switch
        {
            401 => "authentication_error",
            403 => "permission_error",
            404 => "not_found_error",
            429 => "rate_limit_error",
            >= 500 => "server_error",
            _ => "invalid_request_error",
        },
    };

    /// <summary>Our invalid-params messages begin "field: problem"; the field is OpenAI's <c>param</c> ("body" is the whole request, no member).</summary>
    private static string? ParamOf(ErrorEnvelope envelope)
    {
        if (envelope.Code != ErrorCodes.InvalidParams) return null;
        var colon = envelope.Message.IndexOf(": ", StringComparison.Ordinal);
        if (colon <= 0) return null;
        var field = envelope.Message[..colon];
        return field != "body" && field.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '[' or ']') ? field : null;
    }
}

using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using LlamaOrch.EngineProtocol.Wire;

namespace LlamaOrch.EngineHost.Protocol;

/// <summary>Writes errors in llama-server's envelope, with its type names, so one adapter reads both engines.</summary>
internal static class ProtocolErrors
{
    public const string InvalidRequest = "invalid_request_error";
    public const string Unavailable = "unavailable_error";
    public const string NotFound = "not_found_error";

    public static Task WriteAsync(HttpContext context, int status, string type, string message)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(
            new ErrorResponse(new ErrorBody(status, message, type)),
            LlamaCppJsonContext.Relaxed.ErrorResponse,
            contentType: null,
            context.RequestAborted);
    }

    public static Task WriteBadRequestAsync(HttpContext context, string message) =>
        WriteAsync(context, StatusCodes.Status400BadRequest, InvalidRequest, message);

    /// <summary>
    /// 503 for a request the engine's shutdown stopped before any of its answer was written (waiting for a slot, or its
    /// prompt): without it the client read an empty 200. Nothing when the client left or the answer has begun.
    /// </summary>
    public static Task WriteStoppedAsync(HttpContext context, CancellationToken stopping) =>
        stopping.IsCancellationRequested && !context.RequestAborted.IsCancellationRequested && !context.Response.HasStarted
            ? WriteAsync(context, StatusCodes.Status503ServiceUnavailable, Unavailable, "the engine is shutting down")
            : Task.CompletedTask;

    /// <summary>501: a route this engine serves only when started with the flag <paramref name="message"/> names.</summary>
    public static Task WriteNotSupportedAsync(HttpContext context, string message) =>
        WriteAsync(context, StatusCodes.Status501NotImplemented, "not_supported_error", message);

    /// <summary>
    /// The request body as <typeparamref name="T"/>; on malformed JSON it answers 400 itself, on a body Kestrel refuses
    /// while reading it (too large, too slow) that status, and returns <c>Ok: false</c>. A JSON <c>null</c> body comes
    /// back as <c>Ok: true</c> with a null value.
    /// </summary>
    public static async Task<(bool Ok, T? Value)> ReadBodyAsync<T>(HttpContext context, JsonTypeInfo<T> typeInfo)
    {
        try
        {
            return (true, await JsonSerializer.DeserializeAsync(context.Request.Body, typeInfo, context.RequestAborted));
        }
        catch (JsonException exception)
        {
            await WriteBadRequestAsync(context, $"invalid JSON body: {exception.Message}");
            return (false, default);
        }
        catch (BadHttpRequestException refused)
        {
            // In llama-server's envelope like every other error, and no unhandled exception in the log.
            await WriteAsync(context, refused.StatusCode, InvalidRequest, $"request body refused: {refused.Message}");
            return (false, default);
        }
    }
}

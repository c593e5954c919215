using LlamaOrch.EngineHost.Protocol.Wire;

namespace LlamaOrch.EngineHost.Protocol;

/// <summary>Writes errors in llama-server's envelope, with its type names, so one adapter reads both engines.</summary>
internal static class ProtocolErrors
{
    public const string InvalidRequest = "invalid_request_error";
    public const string Unavailable = "unavailable_error";

    public static Task WriteAsync(HttpContext context, int status, string type, string message)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(
            new ErrorResponse(new ErrorBody(status, message, type)),
            EngineJsonContext.Relaxed.ErrorResponse,
            contentType: null,
            context.RequestAborted);
    }

    public static Task WriteBadRequestAsync(HttpContext context, string message) =>
        WriteAsync(context, StatusCodes.Status400BadRequest, InvalidRequest, message);
}

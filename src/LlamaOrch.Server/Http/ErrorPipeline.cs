using LlamaOrch.Contracts.Errors;
using Microsoft.AspNetCore.Diagnostics;

namespace LlamaOrch.Server.Http;

/// <summary>
/// Makes every error answer an envelope: unhandled exceptions (500 INTERNAL, details only in the log),
/// Kestrel's bad requests (their own 4xx, as INVALID_PARAMS) and bodiless 404/405s from routing.
/// </summary>
internal static class ErrorPipeline
{
    public static void UseErrorEnvelopes(this WebApplication app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            ExceptionHandler = context =>
            {
                var error = context.Features.Get<IExceptionHandlerFeature>()?.Error;
                if (ClientError(error) is { } bad)
                {
                    context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ErrorPipeline))
                        .LogInformation("Bad request refused with {Status}: {Reason}", bad.StatusCode, bad.Message);
                    return ErrorResponses.WriteAsync(context, bad.StatusCode, ErrorResponses.Unreadable(bad.StatusCode, $"bad request: {bad.Message}"));
                }
                return ErrorResponses.WriteAsync(context, StatusCodes.Status500InternalServerError,
                    new ErrorEnvelope(ErrorCodes.Internal, "internal error; the log has details under this correlation id", Retriable: true));
            },
            // A client's malformed request is not the server's error: no error log with a stack trace for it.
            SuppressDiagnosticsCallback = handled => ClientError(handled.Exception) is not null,
        });

        app.UseStatusCodePages(pages =>
        {
            var context = pages.HttpContext;
            var status = context.Response.StatusCode;
            var envelope = status switch
            {
                404 => new ErrorEnvelope(ErrorCodes.NotFound, $"no such endpoint: {context.Request.Method} {context.Request.Path}"),
                405 => new ErrorEnvelope(ErrorCodes.MethodNotAllowed, $"{context.Request.Method} is not allowed on {context.Request.Path}"),
                < 500 => ErrorResponses.Unreadable(status, $"request refused with status {status}"),
                _ => new ErrorEnvelope(ErrorCodes.Internal, $"request failed with status {status}", Retriable: true),
            };
            return ErrorResponses.WriteAsync(context, status, envelope);
        });
    }

    /// <summary>Kestrel's refusal of what the client sent (a 4xx), which an endpoint did not catch itself.</summary>
    private static BadHttpRequestException? ClientError(Exception? error) =>
        error is BadHttpRequestException { StatusCode: < 500 } bad ? bad : null;
}

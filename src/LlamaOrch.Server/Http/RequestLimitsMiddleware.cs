using Microsoft.AspNetCore.Http.Features;

namespace LlamaOrch.Server.Http;

/// <summary>
/// Answers 414 for a request line and 431 for headers over <see cref="RequestLimits"/>, in the envelope with the
/// correlation id. Kestrel lets them through because its own limits are set higher; the connection is closed
/// after the answer, as Kestrel would.
/// </summary>
internal sealed class RequestLimitsMiddleware(RequestDelegate next, ILogger<RequestLimitsMiddleware> logger)
{
    // ": " and CRLF around each header line, as Kestrel counts them.
    private const int HeaderLineOverhead = 4;

    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? request.Path.Value ?? string.Empty;
        var lineBytes = request.Method.Length + 1 + target.Length + 1 + request.Protocol.Length + 2;
        if (lineBytes > RequestLimits.MaxRequestLineBytes)
            return RefuseAsync(context, StatusCodes.Status414UriTooLong,
                $"request line: {lineBytes} bytes, more than the limit of {RequestLimits.MaxRequestLineBytes}; send long data in a JSON body");

        var (lines, bytes) = (0, 0);
        foreach (var (name, values) in request.Headers)
        {
            foreach (var value in values)
            {
                lines++;
                bytes += name.Length + (value?.Length ?? 0) + HeaderLineOverhead;
            }
        }
        if (lines > RequestLimits.MaxHeaderCount)
            return RefuseAsync(context, StatusCodes.Status431RequestHeaderFieldsTooLarge,
                $"headers: {lines} header lines, more than the limit of {RequestLimits.MaxHeaderCount}");
        if (bytes > RequestLimits.MaxHeaderBytes)
            return RefuseAsync(context, StatusCodes.Status431RequestHeaderFieldsTooLarge,
                $"headers: {bytes} bytes, more than the limit of {RequestLimits.MaxHeaderBytes}");

        return next(context);
    }

    private Task RefuseAsync(HttpContext context, int status, string message)
    {
        logger.LogInformation("Request refused with {Status}: {Reason}", status, message);
        context.Response.Headers.Connection = "close";
        return ErrorResponses.WriteAsync(context, status, ErrorResponses.Unreadable(status, message));
    }
}

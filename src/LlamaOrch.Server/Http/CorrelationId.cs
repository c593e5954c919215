using LlamaOrch.Core.Telemetry;

namespace LlamaOrch.Server.Http;

/// <summary>
/// Accepts <c>X-Correlation-Id</c> (or makes a uuid), echoes it on every response, errors and streams
/// included, and puts it in the logging scope of everything the request logs.
/// </summary>
internal sealed class CorrelationIdMiddleware(RequestDelegate next, ILogger<CorrelationIdMiddleware> logger)
{
    public const string Header = "X-Correlation-Id";
    private const int MaxLength = 128;

    public async Task InvokeAsync(HttpContext context)
    {
        var id = Accept(context.Request.Headers[Header].ToString()) ?? Guid.NewGuid().ToString();
        context.Items[Header] = id;
        // OnStarting runs after anything that clears headers (the exception handler does), just before sending.
        context.Response.OnStarting(static state =>
        {
            var (ctx, value) = ((HttpContext, string))state;
            ctx.Response.Headers[Header] = value;
            return Task.CompletedTask;
        }, (context, id));

        using (logger.BeginScope(new TaskLogScope(id)))
        {
            await next(context);
        }
    }

    public static string Of(HttpContext context) => context.Items[Header] as string ?? string.Empty;

    /// <summary>A client's id is kept when it is short, visible ASCII; anything else is replaced.</summary>
    private static string? Accept(string value) =>
        value.Length is > 0 and <= MaxLength && value.All(c => c is > ' ' and < (char)127) ? value : null;
}

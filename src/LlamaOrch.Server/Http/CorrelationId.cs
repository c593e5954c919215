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
        var id = Accept(context.Request.Headers[Header].ToString()) ?? NewId();
        // The request's own identifier becomes its correlation id: held by the server's request object, it costs no
        // per-request dictionary (HttpContext.Items) to find again, and Kestrel's lines about the request name it too.
        context.TraceIdentifier = id;
        // Set now rather than from an OnStarting callback (a callback list per request); the exception handler, the one
        // thing that clears headers, writes its envelope through ErrorResponses, which sets it again.
        context.Response.Headers[Header] = id;

        using (logger.BeginScope(new RequestLogScope(id, context.Request.Path.Value ?? string.Empty)))
        {
            await next(context);
        }
    }

    /// <summary>The request's correlation id (once this middleware has run: it is the request's <see cref="HttpContext.TraceIdentifier"/>).</summary>
    public static string Of(HttpContext context) => context.TraceIdentifier;

    /// <summary>
    /// A random (version 4) uuid. A correlation id only has to be unique, not unguessable, so it comes from the shared
    /// pseudo-random generator rather than <see cref="Guid.NewGuid"/>'s system call, on every request that brings none.
    /// </summary>
    private static string NewId()
    {
        Span<byte> bytes = stackalloc byte[16];
        Random.Shared.NextBytes(bytes);
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40); // version 4 (Guid's byte order puts the version's octet here)
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // the RFC 9562 variant
        return new Guid(bytes).ToString();
    }

    /// <summary>A client's id is kept when it is short, visible ASCII; anything else is replaced.</summary>
    private static string? Accept(string value)
    {
        if (value.Length is 0 or > MaxLength) return null;
        foreach (var c in value)
            if (c is <= ' ' or >= (char)127) return null;
        return value;
    }
}

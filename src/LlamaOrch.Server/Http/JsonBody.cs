using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using LlamaOrch.Core.Admission;
using Microsoft.Net.Http.Headers;

namespace LlamaOrch.Server.Http;

/// <summary>
/// The one reader of JSON request bodies, for every endpoint that takes one. In order: the content type (415
/// unless JSON; a request without one is read as JSON), the declared Content-Length (413 before a byte of the
/// body is read), the body within the limit (413 as soon as it passes it; 400, or Kestrel's status, when the
/// HTTP server cannot read it, e.g. broken chunked framing), then the JSON (400 naming the field, or the body
/// with the shape expected). Every refusal is an envelope. Those of the HTTP layer are logged at Information
/// without a stack trace: they are the client's mistakes, not the server's.
/// </summary>
internal static class JsonBody
{
    private const int ReadSize = 4096;

    /// <summary>The body, or null once the refusal has been written (or the client has gone).</summary>
    /// <param name="example">What to send, shown when the body is empty or not a JSON object.</param>
    public static Task<T?> ReadAsync<T>(HttpContext context, JsonTypeInfo<T> type, string example) where T : class =>
        ReadAsync(context, type, example, context.RequestServices.GetRequiredService<RequestLimits>());

    /// <inheritdoc cref="ReadAsync{T}(HttpContext, JsonTypeInfo{T}, string)"/>
    /// <param name="limits">The server's limits, for a caller that holds them (so the read needs no request services).</param>
    public static async Task<T?> ReadAsync<T>(HttpContext context, JsonTypeInfo<T> type, string example, RequestLimits limits) where T : class
    {
        var request = context.Request;
        var limit = limits.MaxBodyBytes;
        if (ContentTypeProblem(request.ContentType) is { } contentType)
        {
            await RefuseAsync(context, StatusCodes.Status415UnsupportedMediaType, $"body: {contentType}");
            return null;
        }
        if (request.ContentLength > limit)
        {
            await TooLargeAsync(context, limit);
            return null;
        }

        // A pooled buffer, sized by Content-Length when the client gave one (plus a byte, to see the end without growing):
        // a task's body is read on every admission, and a fresh buffer per request was most of admission's garbage.
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(request.ContentLength ?? ReadSize, limit) + 1);
        var written = 0;
        try
        {
            try
            {
                while (true)
                {
                    if (written == buffer.Length) buffer = Grown(buffer, written);
                    var read = await request.Body.ReadAsync(buffer.AsMemory(written), context.RequestAborted);
                    if (read == 0) break;
                    written += read;
                    if (written > limit)
                    {
                        await TooLargeAsync(context, limit);
                        return null;
                    }
                }
            }
            catch (Exception error) when (error is BadHttpRequestException or IOException or OperationCanceledException)
            {
                // Kestrel throws BadHttpRequestException for most broken framing, but a plain IOException for some
                // (a chunk size that overflows); either way the client sent it. A client that went away hears nothing.
                if (context.RequestAborted.IsCancellationRequested) return null;
                if (error is OperationCanceledException) throw;
                var status = (error as BadHttpRequestException)?.StatusCode ?? StatusCodes.Status400BadRequest;
                if (status == StatusCodes.Status413PayloadTooLarge) await TooLargeAsync(context, limit);
                else await RefuseAsync(context, status, $"body: cannot be read: {error.Message}");
                return null;
            }

            var rejection = Parse(buffer.AsSpan(0, written), type, example, out var parsed);
            if (rejection is null) return parsed;
            await ErrorResponses.WriteAsync(context, rejection);
            return null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>A pooled buffer twice as large holding what <paramref name="buffer"/> held; that one goes back to the pool.</summary>
    private static byte[] Grown(byte[] buffer, int written)
    {
        var grown = ArrayPool<byte>.Shared.Rent(Math.Max(buffer.Length * 2, ReadSize));
        buffer.AsSpan(0, written).CopyTo(grown);
        ArrayPool<byte>.Shared.Return(buffer);
        return grown;
    }

    /// <summary>Null when the content type is JSON or absent; otherwise why it is refused.</summary>
    private static string? ContentTypeProblem(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType)) return null;
        if (!MediaTypeHeaderValue.TryParse(contentType, out var media))
            return $"content type '{contentType}' cannot be parsed; send application/json";
        var json = media.Type.Equals("application", StringComparison.OrdinalIgnoreCase)
                   && (media.SubType.Equals("json", StringComparison.OrdinalIgnoreCase) || media.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase))
                   || media.MediaType.Equals("text/json", StringComparison.OrdinalIgnoreCase);
        if (!json) return $"content type '{contentType}' is not JSON; send application/json";
        // System.Text.Json reads UTF-8 only; another charset would be misread rather than refused.
        // A quoted value is the same value (RFC 9110 § 5.6.6): charset="utf-8" is UTF-8.
        var charset = HeaderUtilities.RemoveQuotes(media.Charset);
        if (charset.HasValue && !charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase) && !charset.Equals("utf8", StringComparison.OrdinalIgnoreCase))
            return $"charset '{charset}' is not supported; send UTF-8";
        return null;
    }

    private static Rejection? Parse<T>(ReadOnlySpan<byte> body, JsonTypeInfo<T> type, string example, out T? parsed) where T : class
    {
        parsed = null;
        if (body.IsEmpty) return Rejection.InvalidParams("body", $"empty; send {example}");
        try
        {
            parsed = JsonSerializer.Deserialize(body, type);
        }
        catch (JsonException error)
        {
            var where = error.BytePositionInLine is { } position ? $" (line {error.LineNumber + 1}, byte {position + 1})" : string.Empty;
            // The serializer's message names CLR types; say what the wire expects instead.
            var field = FieldOf(error.Path);
            if (field is not null && type.UnmappedMemberHandling == JsonUnmappedMemberHandling.Disallow && !type.Properties.Any(p => p.Name == field))
                return Rejection.InvalidParams(field, $"is not a field of this body; send {example}");
            return field is not null
                ? Rejection.InvalidParams(field, $"has the wrong JSON type or is malformed{where}")
                : Rejection.InvalidParams("body", $"not a JSON object, or malformed JSON{where}; send {example}");
        }
        return parsed is null ? Rejection.InvalidParams("body", $"must be a JSON object, not null; send {example}") : null;
    }

    /// <summary>"$.placement.mode" → "placement.mode"; null when the error is about the whole body.</summary>
    private static string? FieldOf(string? path) =>
        path is null or "$" ? null : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');

    private static Task TooLargeAsync(HttpContext context, int limit)
    {
        // The rest of the body is not read: closing beats draining megabytes nobody wants.
        context.Response.Headers.Connection = "close";
        return RefuseAsync(context, StatusCodes.Status413PayloadTooLarge,
            $"body: larger than the limit of {limit} bytes (Orchestrator:Limits:MaxBodyBytes)");
    }

    private static Task RefuseAsync(HttpContext context, int status, string message)
    {
        context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(JsonBody))
            .LogInformation("Request body refused with {Status}: {Reason}", status, message);
        return ErrorResponses.WriteAsync(context, status, ErrorResponses.Unreadable(status, message));
    }
}

using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace LlamaOrch.Server.Http;

/// <summary>
/// Writes a small JSON answer in one piece: the bytes are encoded first, so the answer goes out with its
/// Content-Length in one write and one flush, rather than through <c>WriteAsJsonAsync</c>'s streaming serializer
/// (its async state machines, and chunked framing). Every 202 and every error envelope goes this way.
/// </summary>
internal static class JsonAnswer
{
    /// <summary>What <c>WriteAsJsonAsync</c> sends when it is given no content type.</summary>
    public const string DefaultContentType = "application/json; charset=utf-8";

    public static Task WriteAsync<T>(HttpResponse response, T value, JsonTypeInfo<T> type, string contentType = DefaultContentType)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(value, type);
        response.ContentType = contentType;
        response.ContentLength = bytes.Length;
        return response.Body.WriteAsync(bytes, 0, bytes.Length);
    }
}

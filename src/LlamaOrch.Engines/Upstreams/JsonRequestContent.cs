using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace LlamaOrch.Engines.Upstreams;

/// <summary>
/// A JSON request body encoded before it is sent, so that it goes out with a <c>Content-Length</c> and in the same write
/// as the headers. <c>JsonContent</c> would stream it with chunked framing: a second write per request on the way to
/// the first token, and a chunked body for the engine to decode (measured: 5–15 µs more per request on a 2-core machine).
/// The encoded bytes can be sent again as they are, which a request retried on a fresh connection does.
/// </summary>
internal static class JsonRequestContent
{
    public static byte[] Encode<T>(T body, JsonTypeInfo<T> type) => JsonSerializer.SerializeToUtf8Bytes(body, type);

    public static ByteArrayContent Of(byte[] encoded)
    {
        var content = new ByteArrayContent(encoded);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        return content;
    }

    public static ByteArrayContent Of<T>(T body, JsonTypeInfo<T> type) => Of(Encode(body, type));
}

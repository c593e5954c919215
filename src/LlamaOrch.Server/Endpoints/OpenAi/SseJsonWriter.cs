using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace LlamaOrch.Server.Endpoints.OpenAi;

/// <summary>OpenAI's stream framing: <c>data: {json}\n\n</c> per chunk, <c>data: [DONE]\n\n</c> at the end, written straight into the response's pipe.</summary>
internal sealed class SseJsonWriter : IDisposable
{
    private readonly HttpResponse _response;
    private readonly Utf8JsonWriter _json;

    private SseJsonWriter(HttpResponse response)
    {
        _response = response;
        _json = new Utf8JsonWriter(response.BodyWriter);
    }

    public static async Task<SseJsonWriter> StartAsync(HttpContext context)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        await response.StartAsync(context.RequestAborted);
        return new SseJsonWriter(response);
    }

    private PipeWriter Pipe => _response.BodyWriter;

    public void Write<T>(T value, JsonTypeInfo<T> type)
    {
        Pipe.Write("data: "u8);
        _json.Reset(Pipe);
        JsonSerializer.Serialize(_json, value, type);
        _json.Flush();
        Pipe.Write("\n\n"u8);
    }

    public void Done() => Pipe.Write("data: [DONE]\n\n"u8);

    /// <summary>
    /// An SSE comment while the task waits (woken by the keep-alive pulse with nothing new): SDKs skip it, and it keeps a
    /// proxy's idle timeout from cutting a stream that waits in a queue.
    /// </summary>
    public void KeepAlive(DoorTask task)
    {
        if (task.Batch.Count == 0 && !task.Closed) Pipe.Write(": keep-alive\n\n"u8);
    }

    public ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken) => Pipe.FlushAsync(cancellationToken);

    public void Dispose() => _json.Dispose();
}

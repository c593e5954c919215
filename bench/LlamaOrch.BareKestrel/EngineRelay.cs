using System.Net;
using System.Text.Json;

namespace LlamaOrch.BareKestrel;

/// <summary>
/// The simplest reverse proxy in front of a llorch-engine: Kestrel in, one pooled <see cref="HttpClient"/> out, the
/// engine's bytes copied back as they arrive. No admission, no queue, no task log, no parsing: whatever time to first
/// token it adds over the engine alone is what a second loopback HTTP exchange costs on this machine, the floor under
/// any relay's, orchestratord's included.
/// </summary>
/// <remarks>
/// The engine's SSE frames go back unchanged (llama.cpp's <c>data: {"content":…}</c>), not mapped to task frames: a
/// mapping means finding each line and its token, which is relay logic, the very thing this baseline leaves out, and
/// the client then reads the same frames it reads from the engine directly, so its own cost is the same on both paths.
/// </remarks>
internal sealed class EngineRelay
{
    /// <summary>As orchestratord's supervisor sends one with every engine request (the engine logs it).</summary>
    private const string CorrelationId = "bare-relay-00000000000000000000000";

    /// <summary>Bytes asked of the response pipe per read: an engine frame is ~100 bytes; a read takes what has arrived.</summary>
    private const int ChunkSize = 4096;

    private readonly HttpClient _http;
    private readonly Uri _completion;
    private readonly byte[] _body;

    /// <param name="engine">The engine's base address.</param>
    /// <param name="prompt">The prompt orchestratord would send for the bench's task.</param>
    /// <param name="tokens">The bench's max_tokens, sent as n_predict.</param>
    /// <param name="seed">One seed for every request: the body is encoded once, and the sim engine's cost does not depend on it.</param>
    public EngineRelay(Uri engine, string prompt, int tokens, long seed)
    {
        // orchestratord's engine client (PoolSupervisor): loopback, no proxy, no decompression, pooled connections.
        _http = new HttpClient(new SocketsHttpHandler
        {
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
            ConnectTimeout = TimeSpan.FromSeconds(5),
        })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _completion = new Uri(engine, "completion");
        _body = CompletionBody(prompt, tokens, seed);
    }

    /// <summary>The body orchestratord's llama.cpp adapter sends for a plain completion task (no sampling fields, no slot, no stop).</summary>
    public static byte[] CompletionBody(string prompt, int tokens, long seed)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("prompt"u8, prompt);
            writer.WriteNumber("n_predict"u8, tokens);
            writer.WriteBoolean("stream"u8, true);
            writer.WriteNumber("seed"u8, seed);
            writer.WriteBoolean("cache_prompt"u8, true);
            writer.WriteEndObject();
        }
        return buffer.ToArray();
    }

    public async Task RelayAsync(HttpContext context)
    {
        // The client's task body is read to its end, as any server must, and never looked at.
        await FixedAnswers.DrainAsync(context.Request);
        var aborted = context.RequestAborted;
        using var request = new HttpRequestMessage(HttpMethod.Post, _completion) { Content = new ByteArrayContent(_body) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
        request.Headers.TryAddWithoutValidation("X-Correlation-Id", CorrelationId);
        HttpResponseMessage upstream;
        try
        {
            upstream = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, aborted);
        }
        catch (HttpRequestException error)
        {
            context.Response.StatusCode = StatusCodes.Status502BadGateway;
            await context.Response.WriteAsync($"llorch-bare: the engine is unreachable: {error.Message}", aborted);
            return;
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            return; // The client left before the engine answered.
        }

        using (upstream)
        {
            var response = context.Response;
            response.StatusCode = (int)upstream.StatusCode;
            response.ContentType = upstream.Content.Headers.ContentType?.MediaType ?? "text/event-stream";
            response.Headers.CacheControl = "no-cache";
            // The headers go out with the first bytes of the body: one write, as the engine sends its own.
            var writer = response.BodyWriter;
            try
            {
                await using var body = await upstream.Content.ReadAsStreamAsync(aborted);
                while (true)
                {
                    // Read the engine straight into the response pipe's memory: no copy of our own.
                    var read = await body.ReadAsync(writer.GetMemory(ChunkSize), aborted);
                    if (read == 0) break;
                    writer.Advance(read);
                    var flushed = await writer.FlushAsync(aborted);
                    if (flushed.IsCompleted || flushed.IsCanceled) break;
                }
            }
            catch (OperationCanceledException) when (aborted.IsCancellationRequested)
            {
                // The client left: disposing the engine's response closes its connection, which stops the generation.
            }
            catch (IOException) when (aborted.IsCancellationRequested)
            {
                // The same, seen as a failed read of the engine's stream.
            }
        }
    }
}

using System.Net;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using LlamaOrch.Contracts;

namespace LlamaOrch.Client;

/// <summary>
/// Reads one task's SSE stream and, when the connection drops before the last frame, reads it again. The server replays
/// a task's stream from its first frame on every read, so frames already delivered are skipped: tokens, embeddings and
/// scores by their index <c>i</c>, <c>started</c> once, <c>metrics</c> by their place among the metrics frames (the log
/// is append-only, so the n-th metrics frame of a replay is the n-th of the first read). Not thread-safe: one reader
/// per enumeration.
/// </summary>
internal sealed class TaskStreamReader(LlamaOrchClient client, string taskId, string correlationId)
{
    private bool _startedSeen;
    private int _nextToken;
    private int _nextEmbedding;
    private int _nextScore;
    private int _metricsDelivered;

    /// <summary>Reads of the stream after the first one.</summary>
    public int Reconnects { get; private set; }

    /// <summary>The correlation id the server echoed on the last read.</summary>
    public string? EchoedCorrelationId { get; private set; }

    public async IAsyncEnumerable<TaskEvent> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var options = client.Options;
        var failuresInARow = 0;
        Exception? lastError = null;
        while (true)
        {
            if (Reconnects > 0 || failuresInARow > 0)
            {
                if (failuresInARow > options.MaxStreamReconnects) throw new TaskStreamInterruptedException(taskId, failuresInARow - 1, lastError);
                await Task.Delay(options.StreamReconnectDelay * failuresInARow, options.TimeProvider, cancellationToken);
            }

            // Cancelled when the server sends nothing for StreamIdleTimeout, its answer's headers included: a silent
            // server is a dropped connection (IdleWatchedStream pushes the time back on every read that brings bytes).
            using var idle = new CancellationTokenSource(options.StreamIdleTimeout, options.TimeProvider);
            using var read = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, idle.Token);
            HttpResponseMessage? response = null;
            try
            {
                var request = client.NewRequest(HttpMethod.Get, $"/v1/tasks/{Uri.EscapeDataString(taskId)}/stream", correlationId);
                request.Headers.Accept.ParseAdd("text/event-stream");
                response = await client.SendRawAsync(request, HttpCompletionOption.ResponseHeadersRead, read.Token);
            }
            catch (Exception error) when (IsDrop(error, cancellationToken))
            {
                response?.Dispose();
                (lastError, failuresInARow) = (error, failuresInARow + 1);
                Reconnects++;
                continue;
            }

            using (response)
            {
                EchoedCorrelationId = LlamaOrchClient.EchoedCorrelationId(response) ?? correlationId;
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    var error = await LlamaOrchClient.ErrorOfAsync(response, correlationId, cancellationToken);
                    // A 5xx that says retriable is a passing state of the server, like a dropped connection.
                    if (!error.IsRetriable) throw error;
                    (lastError, failuresInARow) = (error, failuresInARow + 1);
                    Reconnects++;
                    continue;
                }

                await using var body = new IdleWatchedStream(await response.Content.ReadAsStreamAsync(read.Token), idle, options.StreamIdleTimeout);
                await using var items = SseParser.Create(body, Parse).EnumerateAsync(read.Token).GetAsyncEnumerator(read.Token);
                var metricsThisRead = 0;
                while (true)
                {
                    bool more;
                    try
                    {
                        more = await items.MoveNextAsync();
                    }
                    catch (Exception error) when (IsDrop(error, cancellationToken))
                    {
                        lastError = error;
                        break;
                    }
                    if (!more) break;
                    var frame = items.Current.Data;
                    if (frame is null || !IsNew(frame, ref metricsThisRead)) continue;
                    failuresInARow = 0;
                    yield return frame;
                    if (frame.IsTerminal) yield break;
                }
            }
            // The stream closed before its last frame: the connection dropped (or a proxy cut it).
            failuresInARow++;
            Reconnects++;
        }
    }

    private bool IsNew(TaskEvent frame, ref int metricsThisRead)
    {
        switch (frame)
        {
            case TaskEvent.Started:
                if (_startedSeen) return false;
                _startedSeen = true;
                return true;
            case TaskEvent.Token token:
                return Advance(ref _nextToken, token.Frame.I);
            case TaskEvent.Embedding embedding:
                return Advance(ref _nextEmbedding, embedding.Frame.I);
            case TaskEvent.Score score:
                return Advance(ref _nextScore, score.Frame.I);
            case TaskEvent.Metrics:
                if (++metricsThisRead <= _metricsDelivered) return false;
                _metricsDelivered++;
                return true;
            default:
                return true;
        }
    }

    private static bool Advance(ref int next, int index)
    {
        if (index < next) return false;
        next = index + 1;
        return true;
    }

    /// <summary>A lost connection, or a server silent past the idle timeout (a cancellation that is not the caller's).</summary>
    private static bool IsDrop(Exception error, CancellationToken cancellationToken) =>
        !cancellationToken.IsCancellationRequested && error is HttpRequestException or IOException or OperationCanceledException;

    /// <summary>Frames of an event type this client does not know are skipped (null), so newer servers stay readable.</summary>
    private static TaskEvent? Parse(string eventType, ReadOnlySpan<byte> data)
    {
        var json = ContractsJsonContext.Default;
        return eventType switch
        {
            "started" => new TaskEvent.Started(JsonSerializer.Deserialize(data, json.StartedFrame)!),
            "token" => new TaskEvent.Token(JsonSerializer.Deserialize(data, json.TokenFrame)!),
            "metrics" => new TaskEvent.Metrics(JsonSerializer.Deserialize(data, json.MetricsFrame)!),
            "embedding" => new TaskEvent.Embedding(JsonSerializer.Deserialize(data, json.EmbeddingFrame)!),
            "score" => new TaskEvent.Score(JsonSerializer.Deserialize(data, json.ScoreFrame)!),
            "end" => new TaskEvent.End(JsonSerializer.Deserialize(data, json.EndFrame)!),
            "error" => new TaskEvent.Error(JsonSerializer.Deserialize(data, json.ErrorEnvelope)!),
            _ => null,
        };
    }
}

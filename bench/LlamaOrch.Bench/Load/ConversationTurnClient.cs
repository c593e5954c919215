using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;

namespace LlamaOrch.Bench.Load;

/// <summary>
/// One turn of a conversation through orchestratord: <c>POST /v1/tasks</c> in the session, then its stream read to
/// the end. Time to first token runs from the POST to the first <c>token</c> frame, as a client sees it; the prompt
/// tokens evaluated are the <c>end</c> frame's <c>tokens_in</c> less its <c>tokens_cached</c>.
/// </summary>
internal sealed class ConversationTurnClient(HttpClient http, Uri orchestrator, string apiToken, string modelRef, int maxTokens)
{
    private readonly Uri _tasks = new(orchestrator, "v1/tasks");
    private readonly string _authorization = "Bearer " + apiToken;

    public async Task<ConversationTurn> RunAsync(string sessionId, string prompt, bool cold, CancellationToken cancellationToken)
    {
        var taskId = Guid.NewGuid().ToString();
        var began = Stopwatch.GetTimestamp();
        using (var submit = new HttpRequestMessage(HttpMethod.Post, _tasks) { Content = Body(taskId, sessionId, prompt, cold) })
        {
            submit.Headers.TryAddWithoutValidation("Authorization", _authorization);
            using var admitted = await http.SendAsync(submit, cancellationToken);
            if (admitted.StatusCode != HttpStatusCode.Accepted)
                throw new InvalidOperationException($"POST /v1/tasks answered {(int)admitted.StatusCode}: {await admitted.Content.ReadAsStringAsync(cancellationToken)}");
        }

        using var stream = new HttpRequestMessage(HttpMethod.Get, new Uri(_tasks, $"tasks/{taskId}/stream"));
        stream.Headers.TryAddWithoutValidation("Authorization", _authorization);
        using var response = await http.SendAsync(stream, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        response.EnsureSuccessStatusCode();
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var reader = new SseLineReader(body);
        var reply = new StringBuilder();
        string? pending = null, kv = null;
        double? firstTokenMs = null;
        int? tokensIn = null, tokensCached = null;
        while (await reader.FillAsync(cancellationToken))
        {
            while (reader.TryReadLine(out var line))
            {
                if (line.StartsWith("event: "u8))
                {
                    pending = Encoding.UTF8.GetString(line["event: ".Length..]);
                    continue;
                }
                if (!line.StartsWith("data: "u8)) continue;
                using var data = JsonDocument.Parse(line["data: ".Length..].ToArray());
                var frame = data.RootElement;
                switch (pending)
                {
                    case "started":
                        kv = frame.TryGetProperty("kv", out var warmth) ? warmth.GetString() : null;
                        break;
                    case "token":
                        firstTokenMs ??= Stopwatch.GetElapsedTime(began).TotalMilliseconds;
                        reply.Append(frame.GetProperty("t").GetString());
                        break;
                    case "end":
                        tokensIn = frame.GetProperty("tokens_in").GetInt32();
                        tokensCached = frame.TryGetProperty("tokens_cached", out var cached) ? cached.GetInt32() : 0;
                        break;
                    case "error":
                        throw new InvalidOperationException("error frame " + frame.GetRawText());
                }
                pending = null;
            }
        }
        if (tokensIn is null || firstTokenMs is null) throw new InvalidOperationException("the stream closed without a token and an end frame");
        return new ConversationTurn(tokensIn.Value, tokensIn.Value - tokensCached!.Value, firstTokenMs.Value, kv ?? "?", reply.ToString());
    }

    private ByteArrayContent Body(string taskId, string sessionId, string prompt, bool cold)
    {
        var buffer = new ArrayBufferWriter<byte>(prompt.Length + 256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("task_id"u8, taskId);
            writer.WriteString("session_id"u8, sessionId);
            writer.WriteString("model_ref"u8, modelRef);
            writer.WriteString("prompt"u8, prompt);
            writer.WriteNumber("max_tokens"u8, maxTokens);
            // One seed for both conversations: the same prompt gets the same reply, so both grow alike.
            writer.WriteNumber("seed"u8, 7);
            if (cold) writer.WriteString("kv_hint"u8, "cold"u8);
            writer.WriteEndObject();
        }
        var content = new ByteArrayContent(buffer.WrittenSpan.ToArray());
        content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
        return content;
    }
}

/// <param name="Evaluated">Prompt tokens the engine evaluated: <paramref name="TokensIn"/> less those it took from the cache.</param>
internal sealed record ConversationTurn(int TokensIn, int Evaluated, double FirstTokenMs, string Kv, string Reply);

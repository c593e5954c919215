using System.Diagnostics;
using System.Text;

namespace LlamaOrch.Bench.Load;

/// <summary>
/// Through orchestratord's OpenAI door, as an OpenAI SDK does it: one streaming <c>POST /v1/chat/completions</c>, read to
/// <c>data: [DONE]</c>. Time to first token runs from the request to the first chunk with content, so it includes the
/// door's rendering, admission, queueing, dispatch and relay.
/// </summary>
internal sealed class OpenAiChatTarget(HttpClient http, Uri orchestrator, string apiToken, string model, RequestBodies bodies) : IStreamTarget
{
    private readonly Uri _chat = new(orchestrator, "v1/chat/completions");
    private readonly string _authorization = "Bearer " + apiToken;

    public string Name => "openai";

    public async Task<StreamOutcome> RunOneAsync(int worker, long seed, WorkerStats stats, CancellationToken cancellationToken)
    {
        var submitted = Stopwatch.GetTimestamp();
        using var request = new HttpRequestMessage(HttpMethod.Post, _chat) { Content = bodies.ChatCompletion(model, seed) };
        request.Headers.TryAddWithoutValidation("Authorization", _authorization);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
            return StreamOutcome.Failed(submitted, $"POST /v1/chat/completions answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");

        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var reader = new SseLineReader(body);
        long firstToken = 0;
        var tokens = 0;
        var done = false;
        string? error = null;
        while (await reader.FillAsync(cancellationToken))
        {
            var now = Stopwatch.GetTimestamp();
            var arrived = 0;
            while (reader.TryReadLine(out var line))
            {
                if (!line.StartsWith("data: "u8)) continue;
                var data = line["data: ".Length..];
                if (data.SequenceEqual("[DONE]"u8)) done = true;
                else if (data.StartsWith("{\"error\""u8)) error = "error chunk " + Encoding.UTF8.GetString(data);
                // The door writes one chunk per token; the first chunk (the role's) and the last (the finish's) carry none.
                else if (data.IndexOf("\"delta\":{\"content\":"u8) >= 0) arrived++;
            }
            if (arrived == 0) continue;
            if (firstToken == 0) firstToken = now;
            tokens += arrived;
            stats.CountTokens(arrived, now);
        }
        if (error is not null || !done) return StreamOutcome.Failed(submitted, error ?? "stream closed without data: [DONE]");
        return StreamOutcome.Ok(submitted, firstToken, tokens);
    }
}

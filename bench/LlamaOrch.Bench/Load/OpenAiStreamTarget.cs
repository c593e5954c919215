using System.Diagnostics;
using System.Text;

namespace LlamaOrch.Bench.Load;

/// <summary>
/// One streaming request to an OpenAI-compatible endpoint, read to <c>data: [DONE]</c>, as an OpenAI SDK makes it.
/// <see cref="Chat"/>: orchestratord's <c>POST /v1/chat/completions</c>, so the time to first token (to the first chunk with
/// content) includes the door's rendering, admission, queueing, dispatch and relay. <see cref="Completion"/>: <c>POST
/// /v1/completions</c>, the request orchestratord's OpenAI adapter makes of an upstream (the first chunk with text).
/// </summary>
internal sealed class OpenAiStreamTarget : IStreamTarget
{
    private readonly HttpClient _http;
    private readonly Uri _endpoint;
    private readonly string _path;
    private readonly string _authorization;
    private readonly Func<long, HttpContent> _body;
    private readonly Func<ReadOnlySpan<byte>, bool> _carriesToken;

    private OpenAiStreamTarget(HttpClient http, Uri server, string path, string apiToken, string name, Func<long, HttpContent> body,
        Func<ReadOnlySpan<byte>, bool> carriesToken)
    {
        _http = http;
        _endpoint = new Uri(server, path);
        _path = "/" + path;
        _authorization = "Bearer " + apiToken;
        Name = name;
        _body = body;
        _carriesToken = carriesToken;
    }

    public string Name { get; }

    // The door writes one chunk per token; the first chunk (the role's) and the last (the finish's) carry none.
    public static OpenAiStreamTarget Chat(HttpClient http, Uri orchestrator, string apiToken, string model, RequestBodies bodies) =>
        new(http, orchestrator, "v1/chat/completions", apiToken, "openai", seed => bodies.ChatCompletion(model, seed),
            data => data.IndexOf("\"delta\":{\"content\":"u8) >= 0);

    // One chunk per token; the finish chunk's text is empty and the usage chunk has no choices.
    public static OpenAiStreamTarget Completion(HttpClient http, Uri server, string apiToken, string model, RequestBodies bodies, string name) =>
        new(http, server, "v1/completions", apiToken, name, seed => bodies.OpenAiCompletion(model, seed),
            data => data.IndexOf("\"text\":\""u8) >= 0 && data.IndexOf("\"text\":\"\""u8) < 0);

    public async Task<StreamOutcome> RunOneAsync(int worker, long seed, WorkerStats stats, CancellationToken cancellationToken)
    {
        var submitted = Stopwatch.GetTimestamp();
        using var request = new HttpRequestMessage(HttpMethod.Post, _endpoint) { Content = _body(seed) };
        request.Headers.TryAddWithoutValidation("Authorization", _authorization);
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
            return StreamOutcome.Failed(submitted, $"POST {_path} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");

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
                else if (_carriesToken(data)) arrived++;
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

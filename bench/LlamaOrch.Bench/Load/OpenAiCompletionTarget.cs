using System.Diagnostics;
using System.Text;

namespace LlamaOrch.Bench.Load;

/// <summary>
/// Straight to an OpenAI-compatible server (here an orchestratord's OpenAI door), as orchestratord's OpenAI adapter
/// asks it of an upstream: one streaming <c>POST /v1/completions</c>, read to <c>data: [DONE]</c>. Time to first token
/// runs from the request to the first chunk with text.
/// </summary>
internal sealed class OpenAiCompletionTarget(HttpClient http, Uri server, string apiToken, string model, RequestBodies bodies, string name) : IStreamTarget
{
    private readonly Uri _completions = new(server, "v1/completions");
    private readonly string _authorization = "Bearer " + apiToken;

    public string Name => name;

    public async Task<StreamOutcome> RunOneAsync(int worker, long seed, WorkerStats stats, CancellationToken cancellationToken)
    {
        var submitted = Stopwatch.GetTimestamp();
        using var request = new HttpRequestMessage(HttpMethod.Post, _completions) { Content = bodies.OpenAiCompletion(model, seed) };
        request.Headers.TryAddWithoutValidation("Authorization", _authorization);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
            return StreamOutcome.Failed(submitted, $"POST /v1/completions answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");

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
                // One chunk per token; the finish chunk's text is empty and the usage chunk has no choices.
                else if (data.IndexOf("\"text\":\""u8) >= 0 && data.IndexOf("\"text\":\"\""u8) < 0) arrived++;
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

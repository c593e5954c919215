using System.Diagnostics;

namespace LlamaOrch.Bench.Load;

/// <summary>The baseline: <c>POST /completion</c> with <c>stream: true</c> straight to a llorch-engine.</summary>
/// <param name="chat">Send the request the OpenAI door makes of a chat completion (its rendered prompt and stop string).</param>
internal sealed class DirectEngineTarget(HttpClient http, Uri engine, RequestBodies bodies, bool chat = false) : IStreamTarget
{
    private readonly Uri _completion = new(engine, "completion");

    public string Name => "direct";

    public async Task<StreamOutcome> RunOneAsync(int worker, long seed, WorkerStats stats, CancellationToken cancellationToken)
    {
        var submitted = Stopwatch.GetTimestamp();
        using var request = new HttpRequestMessage(HttpMethod.Post, _completion) { Content = bodies.Completion(seed, chat) };
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode) return StreamOutcome.Failed(submitted, $"engine answered {(int)response.StatusCode}");

        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var reader = new SseLineReader(body);
        long firstToken = 0;
        var tokens = 0;
        var final = false;
        // Read to the end of the body even after the final frame, so that the connection goes back to the pool.
        while (await reader.FillAsync(cancellationToken))
        {
            var now = Stopwatch.GetTimestamp();
            var arrived = 0;
            while (reader.TryReadLine(out var line))
            {
                if (final || !line.StartsWith("data: "u8)) continue;
                if (line.IndexOf("\"stop\":true"u8) >= 0) final = true;
                else arrived++;
            }
            if (arrived == 0) continue;
            if (firstToken == 0) firstToken = now;
            tokens += arrived;
            stats.CountTokens(arrived, now);
        }
        return final ? StreamOutcome.Ok(submitted, firstToken, tokens) : StreamOutcome.Failed(submitted, "engine stream ended without its stop frame");
    }
}

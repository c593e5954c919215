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
        return await EngineStreamReader.ReadAsync(response, submitted, stats, cancellationToken);
    }
}

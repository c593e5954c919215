using System.Diagnostics;
using System.Text;

namespace LlamaOrch.Bench.Load;

/// <summary>
/// Through llorch-bare's no-logic relay: <c>POST /relay/v1/tasks</c> with <c>Accept: text/event-stream</c> and the task
/// body orchestratord gets, answered by the engine's own stream copied back unchanged. Time to first token runs from
/// the POST to the first <c>data:</c> frame; "submit" is the POST to the response headers, as in one-request mode.
/// </summary>
internal sealed class BareRelayTarget(HttpClient http, Uri bare, string apiToken, RequestBodies bodies) : IStreamTarget
{
    private readonly Uri _relay = new(bare, "relay/v1/tasks");

    // Never checked: sent so that the relay reads the same request orchestratord does.
    private readonly string _authorization = "Bearer " + apiToken;

    public string Name => "relay";

    public async Task<StreamOutcome> RunOneAsync(int worker, long seed, WorkerStats stats, CancellationToken cancellationToken)
    {
        var taskId = Guid.NewGuid().ToString();
        var sessionId = new Guid(worker, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0).ToString();
        var submitted = Stopwatch.GetTimestamp();
        using var request = new HttpRequestMessage(HttpMethod.Post, _relay) { Content = bodies.Task(taskId, sessionId, seed) };
        request.Headers.TryAddWithoutValidation("Authorization", _authorization);
        request.Headers.TryAddWithoutValidation("Accept", "text/event-stream");
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
            return StreamOutcome.Failed(submitted, $"POST /relay/v1/tasks answered {(int)response.StatusCode}: {Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync(cancellationToken))}");
        stats.CountAdmission(submitted, Stopwatch.GetTimestamp());
        return await EngineStreamReader.ReadAsync(response, submitted, stats, cancellationToken);
    }
}

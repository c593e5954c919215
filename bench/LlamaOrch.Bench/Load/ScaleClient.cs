using System.Diagnostics;
using System.Net;
using System.Text.Json;

namespace LlamaOrch.Bench.Load;

/// <summary>
/// The scale run's requests to orchestratord: submit a task and keep its id and pool, cancel one, and wait on a task's
/// stream for its <c>started</c> frame. Every task has a session of its own, so no task waits for another's slot.
/// </summary>
internal sealed class ScaleClient(HttpClient http, Uri orchestrator, string apiToken, RequestBodies bodies)
{
    private readonly Uri _tasks = new(orchestrator, "v1/tasks");
    private readonly string _authorization = "Bearer " + apiToken;

    /// <summary>Submits a task and reads its 202; throws on any other answer (the run sizes queues so none is refused).</summary>
    /// <returns>The task's id, the pool admission chose and the milliseconds from sending to the whole 202.</returns>
    public async Task<(string TaskId, string PoolId, double Ms)> SubmitAsync(bool batch, int maxTokens, CancellationToken cancellationToken, string? pinPool = null)
    {
        var taskId = Guid.NewGuid().ToString();
        using var submit = new HttpRequestMessage(HttpMethod.Post, _tasks)
        {
            Content = bodies.Task(taskId, Guid.NewGuid().ToString(), seed: 1, maxTokensOverride: maxTokens, batch: batch, pinPool: pinPool),
        };
        submit.Headers.TryAddWithoutValidation("Authorization", _authorization);
        var sent = Stopwatch.GetTimestamp();
        using var admitted = await http.SendAsync(submit, cancellationToken);
        var json = await admitted.Content.ReadAsByteArrayAsync(cancellationToken);
        var ms = Stopwatch.GetElapsedTime(sent).TotalMilliseconds;
        if (admitted.StatusCode != HttpStatusCode.Accepted)
            throw new HttpRequestException($"POST /v1/tasks answered {(int)admitted.StatusCode}: {System.Text.Encoding.UTF8.GetString(json)}");
        using var document = JsonDocument.Parse(json);
        return (taskId, document.RootElement.GetProperty("pool_id").GetString()!, ms);
    }

    public async Task CancelAsync(string taskId, CancellationToken cancellationToken)
    {
        using var cancel = new HttpRequestMessage(HttpMethod.Post, new Uri(_tasks, $"tasks/{taskId}/cancel"));
        cancel.Headers.TryAddWithoutValidation("Authorization", _authorization);
        using var response = await http.SendAsync(cancel, cancellationToken);
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException($"POST /v1/tasks/{taskId}/cancel answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
    }

    /// <summary>Opens a task's stream (the two-request flow's GET) and reads it until its <c>started</c> event; the timestamp of its arrival.</summary>
    public async Task<long> WaitStartedAsync(string taskId, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_tasks, $"tasks/{taskId}/stream"));
        request.Headers.TryAddWithoutValidation("Authorization", _authorization);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException($"GET stream answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var reader = new SseLineReader(body);
        while (await reader.FillAsync(cancellationToken))
        {
            var now = Stopwatch.GetTimestamp();
            while (reader.TryReadLine(out var line))
            {
                if (line.SequenceEqual("event: started"u8)) return now;
                if (line.SequenceEqual("event: error"u8) || line.SequenceEqual("event: end"u8))
                    throw new HttpRequestException("the task ended before it started");
            }
        }
        throw new HttpRequestException("the stream closed before the task started");
    }
}

using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace LlamaOrch.Bench.Load;

/// <summary>
/// Through orchestratord, as a client does it: <c>POST /v1/tasks</c>, then <c>GET /v1/tasks/{id}/stream</c>; or, with
/// <paramref name="oneRequest"/>, <c>POST /v1/tasks</c> with <c>Accept: text/event-stream</c> and the stream in its answer.
/// Time to first token runs from the submission, so it includes admission, queueing, dispatch and relay. The bare
/// Kestrel baseline answers the same paths, so the same client measures it (<paramref name="name"/> tells them apart).
/// </summary>
internal sealed class OrchestratorTarget(HttpClient http, Uri orchestrator, string apiToken, RequestBodies bodies, bool oneRequest = false, string name = "orch") : IStreamTarget
{
    /// <summary>Set when an error event was seen and its data line, which says why, is still to come.</summary>
    private const string ErrorPending = "error frame";

    private readonly Uri _tasks = new(orchestrator, "v1/tasks");
    private readonly string _authorization = "Bearer " + apiToken;
    private readonly byte[] _sessionTail = RandomNumberGenerator.GetBytes(8);

    public string Name => name;

    public async Task<StreamOutcome> RunOneAsync(int worker, long seed, WorkerStats stats, CancellationToken cancellationToken)
    {
        var taskId = Guid.NewGuid().ToString();
        // One session per worker, as each worker stands for one agent with its own conversation.
        var sessionId = new Guid(worker, 0, 0, _sessionTail).ToString();
        var submitted = Stopwatch.GetTimestamp();
        using var response = oneRequest
            ? await SubmitStreamingAsync(taskId, sessionId, seed, stats, submitted, cancellationToken)
            : await SubmitThenStreamAsync(taskId, sessionId, seed, stats, submitted, cancellationToken);
        if (!response.IsSuccessStatusCode)
            return StreamOutcome.Failed(submitted, $"{(oneRequest ? "POST /v1/tasks" : "GET stream")} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");

        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var reader = new SseLineReader(body);
        long firstToken = 0;
        var tokens = 0;
        var end = false;
        string? error = null;
        // orchestratord closes the stream after end or error; reading to that close keeps the connection reusable.
        while (await reader.FillAsync(cancellationToken))
        {
            var now = Stopwatch.GetTimestamp();
            var arrived = 0;
            while (reader.TryReadLine(out var line))
            {
                if (error == ErrorPending && line.StartsWith("data: "u8))
                {
                    error = "error frame " + Encoding.UTF8.GetString(line["data: ".Length..]);
                    continue;
                }
                if (!line.StartsWith("event: "u8)) continue;
                var name = line["event: ".Length..];
                if (name.SequenceEqual("token"u8)) arrived++;
                else if (name.SequenceEqual("end"u8)) end = true;
                else if (name.SequenceEqual("error"u8)) error = ErrorPending;
            }
            if (arrived == 0) continue;
            if (firstToken == 0) firstToken = now;
            tokens += arrived;
            stats.CountTokens(arrived, now);
        }
        if (error is not null || !end) return StreamOutcome.Failed(submitted, error ?? "stream closed without an end frame");
        return StreamOutcome.Ok(submitted, firstToken, tokens);
    }

    /// <summary>The one-request submit: its answer is the stream; admission is counted when its headers arrive.</summary>
    private async Task<HttpResponseMessage> SubmitStreamingAsync(string taskId, string sessionId, long seed, WorkerStats stats, long submitted, CancellationToken cancellationToken)
    {
        using var submit = new HttpRequestMessage(HttpMethod.Post, _tasks) { Content = bodies.Task(taskId, sessionId, seed) };
        submit.Headers.TryAddWithoutValidation("Authorization", _authorization);
        submit.Headers.TryAddWithoutValidation("Accept", "text/event-stream");
        var response = await http.SendAsync(submit, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (response.IsSuccessStatusCode) stats.CountAdmission(submitted, Stopwatch.GetTimestamp());
        return response;
    }

    /// <summary>The two-request flow: the 202 read in full, then the stream at its task's URL.</summary>
    private async Task<HttpResponseMessage> SubmitThenStreamAsync(string taskId, string sessionId, long seed, WorkerStats stats, long submitted, CancellationToken cancellationToken)
    {
        using (var submit = new HttpRequestMessage(HttpMethod.Post, _tasks) { Content = bodies.Task(taskId, sessionId, seed) })
        {
            submit.Headers.TryAddWithoutValidation("Authorization", _authorization);
            using var admitted = await http.SendAsync(submit, cancellationToken);
            if (admitted.StatusCode != HttpStatusCode.Accepted)
                throw new HttpRequestException($"POST /v1/tasks answered {(int)admitted.StatusCode}: {await admitted.Content.ReadAsStringAsync(cancellationToken)}");
            stats.CountAdmission(submitted, Stopwatch.GetTimestamp());
        }

        using var stream = new HttpRequestMessage(HttpMethod.Get, new Uri(_tasks, $"tasks/{taskId}/stream"));
        stream.Headers.TryAddWithoutValidation("Authorization", _authorization);
        return await http.SendAsync(stream, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
    }
}

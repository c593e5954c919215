using System.Net;
using System.Text;
using System.Text.Json;

namespace LlamaOrch.Bench.Load;

/// <summary>
/// One task through orchestratord for the prediction run: <c>POST /v1/tasks</c> (its 202 carries
/// <c>predicted_start_ms</c>), then the stream, read to its end, with <c>queued_ms</c> taken from <c>started</c>.
/// Not the streaming bench's client: this one parses the JSON it needs and counts nothing per token.
/// </summary>
internal sealed class PredictionClient(HttpClient http, Uri orchestrator, string apiToken, RequestBodies bodies)
{
    private readonly Uri _tasks = new(orchestrator, "v1/tasks");
    private readonly string _authorization = "Bearer " + apiToken;

    /// <summary>The task's sample, or null with <paramref name="error"/> set when it did not run to its end.</summary>
    public async Task<(PredictionSample? Sample, string? Error)> RunOneAsync(int worker, CancellationToken cancellationToken)
    {
        var taskId = Guid.NewGuid().ToString();
        long predicted;
        int position;
        using (var submit = new HttpRequestMessage(HttpMethod.Post, _tasks) { Content = bodies.Task(taskId, Guid.NewGuid().ToString(), seed: worker) })
        {
            submit.Headers.TryAddWithoutValidation("Authorization", _authorization);
            using var admitted = await http.SendAsync(submit, cancellationToken);
            var json = await admitted.Content.ReadAsStringAsync(cancellationToken);
            if (admitted.StatusCode != HttpStatusCode.Accepted) return (null, $"POST /v1/tasks answered {(int)admitted.StatusCode}: {json}");
            using var document = JsonDocument.Parse(json);
            predicted = document.RootElement.GetProperty("predicted_start_ms").GetInt64();
            position = document.RootElement.GetProperty("queue_position").GetInt32();
        }

        using var stream = new HttpRequestMessage(HttpMethod.Get, new Uri(_tasks, $"tasks/{taskId}/stream"));
        stream.Headers.TryAddWithoutValidation("Authorization", _authorization);
        using var response = await http.SendAsync(stream, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode) return (null, $"GET stream answered {(int)response.StatusCode}");
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var reader = new SseLineReader(body);
        string? pending = null;
        long? queuedMs = null;
        var end = false;
        string? error = null;
        while (await reader.FillAsync(cancellationToken))
        {
            while (reader.TryReadLine(out var line))
            {
                if (line.StartsWith("event: "u8))
                {
                    pending = Encoding.UTF8.GetString(line["event: ".Length..]);
                    end |= pending == "end";
                    continue;
                }
                if (!line.StartsWith("data: "u8)) continue;
                if (pending == "started")
                {
                    using var started = JsonDocument.Parse(line["data: ".Length..].ToArray());
                    queuedMs = started.RootElement.GetProperty("queued_ms").GetInt64();
                }
                else if (pending == "error")
                {
                    error = "error frame " + Encoding.UTF8.GetString(line["data: ".Length..]);
                }
                pending = null;
            }
        }
        if (error is not null || !end || queuedMs is null) return (null, error ?? "stream closed without started and end frames");
        return (new PredictionSample(predicted, queuedMs.Value, position), null);
    }
}

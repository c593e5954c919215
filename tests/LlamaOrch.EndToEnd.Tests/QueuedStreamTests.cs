namespace LlamaOrch.EndToEnd.Tests;

/// <summary>A queued task's stream tells where it stands before it starts, and a deadline gets an honest chance.</summary>
public sealed class QueuedStreamTests
{
    // 20 tokens at 50 tokens/s: each task holds the only slot for about 400 ms, many metrics intervals.
    private const string Slow = "sim:slow?tps=50";

    [Fact]
    public async Task The_last_queued_task_hears_its_place_fall_then_starts_and_its_deadline_has_a_probability()
    {
        await using var orchestrator = await Orchestrator.StartAsync(
            [.. Orchestrator.Pool(Slow, slots: 1), "Tasks:MetricsIntervalMs=50"]);
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
            ids.Add((await orchestrator.AdmitAsync(Orchestrator.Task(Slow, maxTokens: 20)))["task_id"]!.GetValue<string>());
        var last = await orchestrator.AdmitAsync(Orchestrator.Task(Slow, maxTokens: 20, deadlineMs: 60_000));
        Assert.Equal(2, last["queue_position"]!.GetValue<int>());

        var frames = await orchestrator.StreamAsync(last["task_id"]!.GetValue<string>());

        var queued = frames.TakeWhile(f => f.Event != "started").ToList();
        Assert.All(queued, f => Assert.Equal("metrics", f.Event));
        var positions = queued.Select(f => f.Int("queue_position")).ToList();
        Assert.True(positions.Count >= 2, string.Join(",", positions));
        Assert.Equal(positions.OrderByDescending(p => p).Distinct(), positions); // strictly falling
        Assert.All(queued, f =>
        {
            Assert.True(f.Long("predicted_start_ms") >= 0);
            Assert.InRange(f.Data.GetProperty("on_time_probability").GetDouble(), 0, 1);
        });

        var running = frames.Skip(queued.Count + 1).Where(f => f.Event == "metrics").ToList();
        Assert.All(running, f => Assert.False(f.Data.TryGetProperty("queue_position", out _)));
        Assert.All(running, f => Assert.InRange(f.Data.GetProperty("on_time_probability").GetDouble(), 0, 1));
        Assert.Contains(running, f => f.Data.TryGetProperty("tokens_per_second", out var tps) && tps.GetDouble() > 0);
        // The sim's prompt is never cached: llorch-engine reports 0 of it from its KV cache.
        Assert.Equal(0, running[^1].Data.GetProperty("kv_warmth").GetDouble());
        Assert.Equal("end", frames[^1].Event);
        foreach (var id in ids) Assert.Equal("end", (await orchestrator.StreamAsync(id))[^1].Event);
    }

    [Fact]
    public async Task A_queued_tasks_stream_answers_its_headers_before_the_task_has_a_frame()
    {
        // No queue-progress pass after the first and no keep-alive for an hour, and the only slot held by a task of
        // about 200 s: tasks admitted after the first pass have no frame to send, so only the headers can answer.
        const string Hold = "sim:hold?tps=1";
        await using var orchestrator = await Orchestrator.StartAsync(
            [.. Orchestrator.Pool(Hold, slots: 1), "Tasks:MetricsIntervalMs=3600000", "Tasks:KeepAliveSeconds=3600"]);
        var ids = new List<string>();
        for (var i = 0; i < 4; i++)
            ids.Add((await orchestrator.AdmitAsync(Orchestrator.Task(Hold, maxTokens: 200)))["task_id"]!.GetValue<string>());

        // The bound only turns a hang into a failure; a queued stream's headers come at once.
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        foreach (var id in ids.Skip(1))
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/tasks/{id}/stream");
            using var response = await orchestrator.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, bound.Token);
            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        }
        foreach (var id in ids) await orchestrator.CancelAsync(id);
    }
}

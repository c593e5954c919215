using System.Net;
using System.Text.Json.Nodes;

namespace LlamaOrch.EndToEnd.Tests;

public sealed class QueueTests
{
    private const string Slow = "sim:slow?tps=20";

    [Fact]
    public async Task Interactive_tasks_start_before_batch_and_each_priority_is_fifo()
    {
        await using var orchestrator = await Orchestrator.StartAsync(Orchestrator.Pool(Slow, slots: 1));
        // The blocker holds the only slot (200 tokens: 10 s) until every other task is queued, then is cancelled.
        var blocker = await orchestrator.AdmitAsync(Orchestrator.Task(Slow, maxTokens: 200));
        var names = new Dictionary<string, string> { [Id(blocker)] = "blocker" };
        foreach (var (name, priority) in new[] { ("b1", "batch"), ("i1", "interactive"), ("b2", "batch"), ("i2", "interactive") })
        {
            var admitted = await orchestrator.AdmitAsync(Orchestrator.Task(Slow, maxTokens: 2, priority: priority));
            names[Id(admitted)] = name;
        }
        await orchestrator.CancelAsync(Id(blocker));

        var streams = await Task.WhenAll(names.Keys.Select(async id => (id, frames: await orchestrator.StreamAsync(id))));

        // Cancelled, not finished: it held the slot while the others were admitted.
        Assert.Equal("canceled", streams.Single(s => s.id == Id(blocker)).frames[^1].Str("stop_reason"));
        var order = streams.OrderBy(s => SseFrame.AfterQueued(s.frames)[0].Long("dispatch_seq")).Select(s => names[s.id]);
        Assert.Equal(["blocker", "i1", "i2", "b1", "b2"], order);
    }

    [Fact]
    public async Task A_full_queue_under_reject_answers_429_with_backoff_headers()
    {
        await using var orchestrator = await Orchestrator.StartAsync(Orchestrator.Pool(Slow, slots: 1, capacity: 2));
        var running = await orchestrator.AdmitAsync(Orchestrator.Task(Slow, maxTokens: 200));
        await orchestrator.WaitUntilAsync(h => h["pools"]![0]!["queue_depth"]!.GetValue<int>() == 0);
        await orchestrator.AdmitAsync(Orchestrator.Task(Slow));
        var second = await orchestrator.AdmitAsync(Orchestrator.Task(Slow));
        Assert.Equal(1, second["queue_position"]!.GetValue<int>());
        Assert.True(second["backoff_ms"]!.GetValue<long>() > 0); // the queue is at capacity now

        using var refused = await orchestrator.SubmitAsync(Orchestrator.Task(Slow), "corr-429");

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("corr-429", refused.Headers.GetValues("X-Correlation-Id").Single());
        Assert.True(refused.Headers.RetryAfter!.Delta >= TimeSpan.FromSeconds(1));
        var backoffMs = long.Parse(refused.Headers.GetValues("X-Backoff-Ms").Single());
        var envelope = await Orchestrator.ErrorOf(refused);
        Assert.Equal("ADMISSION_REJECT", envelope["code"]!.GetValue<string>());
        Assert.Equal("reject", envelope["policy_label"]!.GetValue<string>());
        Assert.Equal("llamacpp", envelope["engine"]!.GetValue<string>());
        Assert.Equal(backoffMs, envelope["retry_after_ms"]!.GetValue<long>());
        Assert.True(backoffMs >= 1);
        await orchestrator.CancelAsync(Id(running));
    }

    [Fact]
    public async Task A_full_queue_under_drop_lru_evicts_the_oldest_batch_task()
    {
        await using var orchestrator = await Orchestrator.StartAsync(Orchestrator.Pool(Slow, slots: 1, capacity: 2, policy: "drop-lru"));
        var running = await orchestrator.AdmitAsync(Orchestrator.Task(Slow, maxTokens: 200));
        await orchestrator.WaitUntilAsync(h => h["pools"]![0]!["queue_depth"]!.GetValue<int>() == 0);
        var oldestBatch = await orchestrator.AdmitAsync(Orchestrator.Task(Slow, priority: "batch"));
        var interactive = await orchestrator.AdmitAsync(Orchestrator.Task(Slow));

        await orchestrator.AdmitAsync(Orchestrator.Task(Slow)); // evicts the batch task

        var evicted = Assert.Single(SseFrame.AfterQueued(await orchestrator.StreamAsync(Id(oldestBatch))));
        Assert.Equal("error", evicted.Event);
        Assert.Equal("QUEUE_FULL_DROP_LRU", evicted.Str("code"));
        Assert.True(evicted.Bool("retriable"));

        using var batch = await orchestrator.SubmitAsync(Orchestrator.Task(Slow, priority: "batch"));
        Assert.Equal(HttpStatusCode.TooManyRequests, batch.StatusCode); // batch cannot evict interactive
        var envelope = await Orchestrator.ErrorOf(batch);
        Assert.Equal("QUEUE_FULL_DROP_LRU", envelope["code"]!.GetValue<string>());
        Assert.Equal("drop-lru", envelope["policy_label"]!.GetValue<string>());
        await orchestrator.CancelAsync(Id(running));
        await orchestrator.CancelAsync(Id(interactive));
    }

    [Fact]
    public async Task A_queued_task_whose_deadline_passes_ends_with_DEADLINE_UNMET()
    {
        await using var orchestrator = await Orchestrator.StartAsync(Orchestrator.Pool(Slow, slots: 1));
        var running = await orchestrator.AdmitAsync(Orchestrator.Task(Slow, maxTokens: 200));
        await orchestrator.WaitUntilAsync(h => h["pools"]![0]!["queue_depth"]!.GetValue<int>() == 0);

        var doomed = await orchestrator.AdmitAsync(Orchestrator.Task(Slow, deadlineMs: 300));

        var frame = Assert.Single(SseFrame.AfterQueued(await orchestrator.StreamAsync(Id(doomed))));
        Assert.Equal("error", frame.Event);
        Assert.Equal("DEADLINE_UNMET", frame.Str("code"));
        await orchestrator.CancelAsync(Id(running));
    }

    [Fact]
    public async Task A_task_that_cannot_start_by_its_deadline_is_refused_at_admission()
    {
        await using var orchestrator = await Orchestrator.StartAsync(Orchestrator.Pool(Slow, slots: 1));
        // One finished task gives the pool an observed service time (about 200 ms for 4 tokens at 20/s).
        var warm = await orchestrator.AdmitAsync(Orchestrator.Task(Slow, maxTokens: 4));
        Assert.Equal(0, warm["predicted_start_ms"]!.GetValue<long>()); // a free slot: it starts at once
        await orchestrator.StreamAsync(Id(warm));
        var running = await orchestrator.AdmitAsync(Orchestrator.Task(Slow, maxTokens: 200));
        var queued = await orchestrator.AdmitAsync(Orchestrator.Task(Slow));
        Assert.True(queued["predicted_start_ms"]!.GetValue<long>() > 0);

        using var refused = await orchestrator.SubmitAsync(Orchestrator.Task(Slow, deadlineMs: 1));

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("DEADLINE_UNMET", (await Orchestrator.ErrorOf(refused))["code"]!.GetValue<string>());
        await orchestrator.CancelAsync(Id(running));
        await orchestrator.CancelAsync(Id(queued));
    }

    private static string Id(JsonObject admitted) => admitted["task_id"]!.GetValue<string>();
}

using System.Net;

namespace LlamaOrch.EndToEnd.Tests;

public sealed class StreamingTests
{
    private const string Slow = "sim:slow?tps=20";
    private const string Fast = "sim:fast?tps=2000";

    [Fact]
    public async Task A_task_streams_started_metrics_tokens_and_end_and_late_readers_replay_it_all()
    {
        await using var orchestrator = await Orchestrator.StartAsync(Orchestrator.Pool(Fast));
        var admitted = await orchestrator.AdmitAsync(Orchestrator.Task(Fast, maxTokens: 12));
        var id = admitted["task_id"]!.GetValue<string>();
        Assert.Equal(0, admitted["queue_position"]!.GetValue<int>());
        Assert.Equal("p", admitted["pool_id"]!.GetValue<string>());

        var first = await orchestrator.StreamAsync(id);
        var late = await orchestrator.StreamAsync(id); // the task has finished: a late reader gets everything again

        Assert.Equal("started", first[0].Event);
        Assert.Equal("p-r0", first[0].Str("replica_id"));
        Assert.Contains(first, f => f.Event == "metrics" && f.Data.TryGetProperty("queue_depth", out _) && f.Data.TryGetProperty("tokens_out", out _));
        var tokens = first.Where(f => f.Event == "token").ToList();
        Assert.Equal(Enumerable.Range(0, 12), tokens.Select(t => t.Int("i")));
        Assert.Equal("end", first[^1].Event);
        Assert.Equal(12, first[^1].Int("tokens_out"));
        Assert.False(first[^1].Bool("canceled"));
        Assert.Equal(first.Select(f => (f.Event, f.Data.GetRawText())), late.Select(f => (f.Event, f.Data.GetRawText())));
    }

    [Fact]
    public async Task Two_readers_of_one_live_task_get_the_same_frames()
    {
        await using var orchestrator = await Orchestrator.StartAsync(Orchestrator.Pool(Slow));
        var id = (await orchestrator.AdmitAsync(Orchestrator.Task(Slow, maxTokens: 6)))["task_id"]!.GetValue<string>();

        var readers = await Task.WhenAll(orchestrator.StreamAsync(id), orchestrator.StreamAsync(id));

        Assert.Equal("end", readers[0][^1].Event);
        Assert.Equal(readers[0].Select(f => f.Data.GetRawText()), readers[1].Select(f => f.Data.GetRawText()));
    }

    [Fact]
    public async Task The_same_seed_and_prompt_give_the_same_text()
    {
        await using var orchestrator = await Orchestrator.StartAsync(Orchestrator.Pool(Fast, slots: 2));
        async Task<string> TextAsync(long seed)
        {
            var id = (await orchestrator.AdmitAsync(Orchestrator.Task(Fast, maxTokens: 16, seed: seed)))["task_id"]!.GetValue<string>();
            return string.Concat((await orchestrator.StreamAsync(id)).Where(f => f.Event == "token").Select(f => f.Str("t")));
        }

        var a = await TextAsync(42);
        Assert.Equal(a, await TextAsync(42));
        Assert.NotEqual(a, await TextAsync(43));
    }

    [Fact]
    public async Task Cancelling_a_running_task_ends_its_stream_and_frees_the_slot_for_the_next()
    {
        await using var orchestrator = await Orchestrator.StartAsync(Orchestrator.Pool(Slow, slots: 1));
        var running = (await orchestrator.AdmitAsync(Orchestrator.Task(Slow, maxTokens: 200)))["task_id"]!.GetValue<string>();
        var next = (await orchestrator.AdmitAsync(Orchestrator.Task(Slow, maxTokens: 2)))["task_id"]!.GetValue<string>();

        var seen = new List<SseFrame>();
        await foreach (var frame in orchestrator.FollowAsync(running))
        {
            seen.Add(frame);
            if (frame.Event == "token" && frame.Int("i") == 1)
                Assert.Equal(HttpStatusCode.NoContent, await orchestrator.CancelAsync(running));
        }

        var end = seen[^1];
        Assert.Equal("end", end.Event);
        Assert.True(end.Bool("canceled"));
        Assert.Equal("canceled", end.Str("stop_reason"));
        Assert.Equal(seen.Count(f => f.Event == "token"), end.Int("tokens_out")); // no token after the cancel
        var finished = (await orchestrator.StreamAsync(next))[^1];
        Assert.Equal("end", finished.Event);
        // The same prompt: the canceled run reports the prompt the engine sent with its first token, as a finished one does.
        Assert.True(finished.Int("tokens_in") > 0);
        Assert.Equal(finished.Int("tokens_in"), end.Int("tokens_in"));
        Assert.Equal(HttpStatusCode.NoContent, await orchestrator.CancelAsync(running)); // idempotent
    }

    [Fact]
    public async Task A_deadline_that_passes_mid_run_ends_the_stream_with_the_tokens_sent_and_the_prompts_size()
    {
        await using var orchestrator = await Orchestrator.StartAsync(Orchestrator.Pool(Slow, slots: 1));
        var whole = (await orchestrator.StreamAsync((await orchestrator.AdmitAsync(Orchestrator.Task(Slow, maxTokens: 1)))["task_id"]!.GetValue<string>()))[^1];
        // 200 tokens at 20 a second would take 10 s; the deadline is 1.5 s away, and it starts at once (the slot is free).
        var id = (await orchestrator.AdmitAsync(Orchestrator.Task(Slow, maxTokens: 200, deadlineMs: 1500)))["task_id"]!.GetValue<string>();

        var frames = await orchestrator.StreamAsync(id);
        var end = frames[^1];
        Assert.Equal("end", end.Event);
        Assert.Equal("deadline", end.Str("stop_reason"));
        Assert.False(end.Bool("canceled"));
        Assert.Equal(frames.Count(f => f.Event == "token"), end.Int("tokens_out"));
        Assert.True(end.Int("tokens_out") is > 0 and < 200);
        Assert.Equal(whole.Int("tokens_in"), end.Int("tokens_in"));
    }

    [Fact]
    public async Task Cancelling_a_queued_task_takes_it_out_of_the_queue()
    {
        await using var orchestrator = await Orchestrator.StartAsync(Orchestrator.Pool(Slow, slots: 1));
        var blocker = (await orchestrator.AdmitAsync(Orchestrator.Task(Slow, maxTokens: 200)))["task_id"]!.GetValue<string>();
        var queued = await orchestrator.AdmitAsync(Orchestrator.Task(Slow));
        await orchestrator.WaitUntilAsync(h => h["pools"]![0]!["queue_depth"]!.GetValue<int>() == 1);

        Assert.Equal(HttpStatusCode.NoContent, await orchestrator.CancelAsync(queued["task_id"]!.GetValue<string>()));

        var end = Assert.Single(SseFrame.AfterQueued(await orchestrator.StreamAsync(queued["task_id"]!.GetValue<string>())));
        Assert.Equal("end", end.Event);
        Assert.True(end.Bool("canceled"));
        Assert.Equal(0, (await orchestrator.HealthAsync())["pools"]![0]!["queue_depth"]!.GetValue<int>());
        await orchestrator.CancelAsync(blocker);
    }

    [Fact]
    public async Task A_reader_leaving_does_not_cancel_the_task()
    {
        await using var orchestrator = await Orchestrator.StartAsync(Orchestrator.Pool(Slow));
        var id = (await orchestrator.AdmitAsync(Orchestrator.Task(Slow, maxTokens: 5)))["task_id"]!.GetValue<string>();

        await foreach (var frame in orchestrator.FollowAsync(id))
        {
            if (frame.Event == "token") break; // disconnects mid-stream
        }

        var replay = await orchestrator.StreamAsync(id);
        Assert.Equal("end", replay[^1].Event);
        Assert.False(replay[^1].Bool("canceled"));
        Assert.Equal(5, replay[^1].Int("tokens_out"));
    }
}

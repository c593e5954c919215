using LlamaOrch.Core.Scheduling;
using LlamaOrch.Core.Tasks;

namespace LlamaOrch.Core.Tests;

/// <summary>Unresponsive replicas take no task; a hung replica's tasks move on (requeued once, at the head) or end with WORKER_RESET.</summary>
public sealed class ReplicaHealthTests
{
    private const string Hung = "engine stopped answering /health (3 checks in a row); killed";

    [Fact]
    public async Task An_unresponsive_replica_takes_no_task_until_it_answers_again()
    {
        var harness = new PoolHarness(slots: 1, replicas: 2);
        harness.Pool.ReplicaUnresponsive("p-r0", "unresponsive: /health not answered within 2500 ms");

        harness.Admit("first");
        harness.Admit("second");

        Assert.Equal("first", (await harness.Engines[1].NextCallAsync()).Request.Prompt);
        // p-r0 has a free slot, and sorts first by id; dispatch decides under the pool's lock, before any engine is called.
        Assert.Equal(1, harness.Pool.QueueDepth);
        var replica = harness.Pool.Replicas().Single(r => r.Id == "p-r0");
        Assert.Equal(0, replica.Busy);
        Assert.Equal("unresponsive", replica.State);
        Assert.Equal(0, replica.SlotsFree);
        var status = harness.Pool.Snapshot();
        Assert.Equal(1, status.ReplicasReady);
        Assert.Equal("replica p-r0: unresponsive: /health not answered within 2500 ms", status.LastError);

        harness.Time.Advance(TimeSpan.FromSeconds(5)); // its next check answers
        harness.Pool.ReplicaResponsive("p-r0");

        Assert.Equal("second", (await harness.Engines[0].NextCallAsync()).Request.Prompt);
        Assert.Equal("ready", harness.Pool.Replicas().Single(r => r.Id == "p-r0").State);
        Assert.Null(harness.Pool.Snapshot().LastError);
    }

    [Fact]
    public async Task A_hung_replica_requeues_a_task_without_tokens_at_the_head_of_its_priority_and_resets_a_streaming_one()
    {
        var harness = new PoolHarness(slots: 2, replicas: 2);
        var streaming = harness.Admit("streaming"); // p-r0: the tie between idle replicas goes to the lower id
        var streamingCall = await harness.Engines[0].NextCallAsync();
        harness.Admit("busy");                      // p-r1: fewest busy slots
        var busyCall = await harness.Engines[1].NextCallAsync();
        var waiting = harness.Admit("waiting");     // p-r0
        var waitingCall = await harness.Engines[0].NextCallAsync();
        harness.Admit("filler");                    // p-r1
        await harness.Engines[1].NextCallAsync();
        harness.Admit("behind");
        harness.Admit("batch", Priority.Batch);
        streamingCall.Token(" a");
        await PoolHarness.WaitForFrameAsync(streaming, "token");
        harness.Time.Advance(TimeSpan.FromMilliseconds(300));

        harness.Pool.ReplicaHung("p-r0", Hung);

        Assert.True(await streamingCall.Ended.Task.WaitAsync(TimeSpan.FromSeconds(10))); // both engine requests aborted
        Assert.True(await waitingCall.Ended.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        await harness.Pool.WaitIdleAsync(["p-r0"], CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(3, harness.Pool.QueueDepth); // waiting (back at the head), behind, batch
        Assert.Equal("down", harness.Pool.Replicas().Single(r => r.Id == "p-r0").State);

        var reset = (await PoolHarness.FramesAsync(streaming))[^1];
        Assert.Equal("error", reset.Event);
        Assert.Equal("WORKER_RESET", reset.Data.GetProperty("code").GetString());
        Assert.True(reset.Data.GetProperty("retriable").GetBoolean());
        Assert.Contains(Hung, reset.Data.GetProperty("message").GetString());

        busyCall.Finish(1); // a slot frees on p-r1: the requeued task goes before those queued after it
        var again = await harness.Engines[1].NextCallAsync();
        Assert.Equal("waiting", again.Request.Prompt);
        again.Token(" b");
        again.Finish(1);

        var frames = await PoolHarness.FramesAsync(waiting);
        var started = Assert.Single(frames, f => f.Event == "started");
        Assert.Equal("p-r0", started.Data.GetProperty("replica_id").GetString());
        var requeued = Assert.Single(frames, f => f.Data.TryGetProperty("requeued", out _));
        Assert.Equal("metrics", requeued.Event);
        Assert.Equal(300, requeued.Data.GetProperty("decode_ms").GetInt64());
        Assert.Contains("replica p-r0 hung", requeued.Data.GetProperty("requeued").GetString());
        var moved = Assert.Single(frames, f => f.Data.TryGetProperty("replica_id", out _) && f.Event == "metrics");
        Assert.Equal("p-r1", moved.Data.GetProperty("replica_id").GetString());
        Assert.Equal([" b"], frames.Where(f => f.Event == "token").Select(f => f.Data.GetProperty("t").GetString()));
        Assert.Equal("end", frames[^1].Event);
        Assert.Equal(TaskState.Completed, waiting.State);
    }

    [Fact]
    public async Task A_task_is_requeued_once_and_ends_with_WORKER_RESET_when_its_second_replica_hangs_too()
    {
        var harness = new PoolHarness(slots: 1, replicas: 2);
        var task = harness.Admit("unlucky");
        await harness.Engines[0].NextCallAsync();

        harness.Pool.ReplicaHung("p-r0", Hung);
        await harness.Engines[1].NextCallAsync();
        harness.Pool.ReplicaHung("p-r1", Hung);

        var frames = await PoolHarness.FramesAsync(task);
        Assert.Single(frames, f => f.Data.TryGetProperty("requeued", out _));
        Assert.Equal("error", frames[^1].Event);
        Assert.Equal("WORKER_RESET", frames[^1].Data.GetProperty("code").GetString());
        Assert.Contains("replica p-r1 hung", frames[^1].Data.GetProperty("message").GetString());
    }
}

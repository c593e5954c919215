using LlamaOrch.Core.Pools;

namespace LlamaOrch.Core.Tests;

/// <summary>At shutdown every task's stream gets a final frame: queued ones at once, running ones after their grace.</summary>
public sealed class ShutdownSequenceTests
{
    [Fact]
    public async Task Queued_tasks_end_at_once_new_ones_are_refused_and_running_ones_may_finish()
    {
        var harness = new PoolHarness(slots: 1);
        var running = harness.Admit("running");
        var call = await harness.Engine.NextCallAsync();
        var queued = harness.Admit("queued");

        var shutdown = new ShutdownSequence(harness.Pools, harness.Tasks, harness.Gate, harness.Runner, harness.Time).RunAsync(TimeSpan.FromMinutes(10), CancellationToken.None);

        var ended = PoolHarness.OnlyFrameAfterQueued(await PoolHarness.FramesAsync(queued));
        Assert.Equal("error", ended.Event);
        Assert.Equal("WORKER_RESET", ended.Data.GetProperty("code").GetString());
        Assert.True(ended.Data.GetProperty("retriable").GetBoolean());
        var refused = harness.Submit("late").Rejection!;
        Assert.Equal("POOL_UNAVAILABLE", refused.Code);
        Assert.True(refused.Retriable);
        Assert.Contains("shutting down", refused.Message);
        Assert.False(shutdown.IsCompleted); // waits for the running task

        call.Token(" done");
        call.Finish(1);

        Assert.Equal((1, 0), await shutdown.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal("end", (await PoolHarness.FramesAsync(running))[^1].Event);
    }

    [Fact]
    public async Task A_task_still_running_when_the_grace_is_over_ends_with_WORKER_RESET_and_its_engine_request_is_aborted()
    {
        var harness = new PoolHarness(slots: 1);
        var running = harness.Admit("long");
        var call = await harness.Engine.NextCallAsync();
        call.Token(" a");
        await PoolHarness.WaitForFrameAsync(running, "token");

        var outcome = await new ShutdownSequence(harness.Pools, harness.Tasks, harness.Gate, harness.Runner, harness.Time).RunAsync(TimeSpan.Zero, CancellationToken.None);

        Assert.Equal((0, 1), outcome);
        // The sequence returns once the cut run has unwound: its engine request ended and its slot is back.
        Assert.True(call.Ended.Task.IsCompleted);
        Assert.Equal(0, harness.Runner.RunsInFlight);
        Assert.Equal(0, harness.Pool.Snapshot().BusySlots);
        var last = (await PoolHarness.FramesAsync(running))[^1];
        Assert.Equal("error", last.Event);
        Assert.Equal("WORKER_RESET", last.Data.GetProperty("code").GetString());
        Assert.True(last.Data.GetProperty("retriable").GetBoolean());
        Assert.Contains("shutting down", last.Data.GetProperty("message").GetString());
    }

    [Fact]
    public async Task A_reload_waiting_for_its_new_replicas_is_called_off_and_no_new_one_begins()
    {
        var harness = new PoolHarness(slots: 1);
        // The incoming replica never becomes ready: it is still loading when the shutdown begins.
        Assert.NotNull(harness.Pool.TryBeginReload("sim:slow?load_ms=600000", out _));
        var waiting = harness.Pool.WaitIncomingAsync(CancellationToken.None);
        Assert.False(waiting.IsCompleted);

        await new ShutdownSequence(harness.Pools, harness.Tasks, harness.Gate, harness.Runner, harness.Time).RunAsync(TimeSpan.Zero, CancellationToken.None);

        // It used to wait for the load (or its 300 s timeout), holding its request and the host's stop open.
        Assert.Contains("shutting down", await waiting.WaitAsync(TimeSpan.FromSeconds(10)));
        harness.Pool.AbortReload();
        Assert.Null(harness.Pool.TryBeginReload("sim:other", out var refused));
        Assert.Equal("POOL_UNAVAILABLE", refused!.Code);
        Assert.True(refused.Retriable);
        Assert.Contains("shutting down", refused.Message);
    }
}

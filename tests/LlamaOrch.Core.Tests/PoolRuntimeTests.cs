using LlamaOrch.Core.Admission;
using LlamaOrch.Core.Engines;
using LlamaOrch.Core.Scheduling;
using LlamaOrch.Core.Pools;
using LlamaOrch.Core.Tasks;

namespace LlamaOrch.Core.Tests;

public sealed class PoolRuntimeTests
{
    [Fact]
    public async Task Dispatches_interactive_first_then_fifo_as_slots_free()
    {
        var harness = new PoolHarness(slots: 1);
        harness.Admit("blocker");
        var blocker = await harness.Engine.NextCallAsync();
        harness.Admit("b1", Priority.Batch);
        harness.Admit("b2", Priority.Batch);
        harness.Admit("i1");
        harness.Admit("i2");

        var order = new List<string> { blocker.Request.Prompt! };
        var current = blocker;
        for (var i = 0; i < 4; i++)
        {
            current.Finish(0);
            current = await harness.Engine.NextCallAsync();
            order.Add(current.Request.Prompt!);
        }

        Assert.Equal(["blocker", "i1", "i2", "b1", "b2"], order);
    }

    [Fact]
    public async Task A_task_streams_started_tokens_and_end_in_order()
    {
        var harness = new PoolHarness();
        var task = harness.Admit("hello");
        var call = await harness.Engine.NextCallAsync();
        Assert.Equal("corr-hello", call.Request.CorrelationId);
        call.Token(" Once");
        call.Token(" upon");
        call.Finish(2);

        var frames = await PoolHarness.FramesAsync(task);

        Assert.Equal("started", frames[0].Event);
        Assert.Equal("metrics", frames[1].Event);
        var tokens = frames.Where(f => f.Event == "token").ToList();
        Assert.Equal([" Once", " upon"], tokens.Select(t => t.Data.GetProperty("t").GetString()));
        Assert.Equal([0, 1], tokens.Select(t => t.Data.GetProperty("i").GetInt32()));
        Assert.Equal("end", frames[^1].Event);
        Assert.Equal(2, frames[^1].Data.GetProperty("tokens_out").GetInt32());
        Assert.Equal(TaskState.Completed, task.State);
    }

    [Fact]
    public async Task Text_that_comes_with_the_engines_final_frame_is_streamed_before_the_end()
    {
        // llama-server sends its final frame empty when streaming; a compatible server may put the last text in it.
        var harness = new PoolHarness();
        var task = harness.Admit("hello");
        var call = await harness.Engine.NextCallAsync();
        call.Token(" Once");
        call.Chunks.Writer.TryWrite(new EngineChunk(" upon", new EngineFinal(3, 2, "limit", 1)));

        var frames = await PoolHarness.FramesAsync(task);

        Assert.Equal([" Once", " upon"], frames.Where(f => f.Event == "token").Select(t => t.Data.GetProperty("t").GetString()));
        Assert.Equal("end", frames[^1].Event);
    }

    [Fact]
    public async Task Cancelling_a_queued_task_removes_it_from_the_queue()
    {
        var harness = new PoolHarness(slots: 1);
        harness.Admit("blocker");
        var blocker = await harness.Engine.NextCallAsync();
        var queued = harness.Admit("queued");
        Assert.Equal(1, harness.Pool.QueueDepth);

        Assert.True(queued.Cancel());

        Assert.Equal(0, harness.Pool.QueueDepth);
        var end = PoolHarness.OnlyFrameAfterQueued(await PoolHarness.FramesAsync(queued));
        Assert.Equal("end", end.Event);
        Assert.True(end.Data.GetProperty("canceled").GetBoolean());
        blocker.Finish(0);
        Assert.False(queued.Cancel()); // already finished: a no-op
    }

    [Fact]
    public async Task Cancelling_a_running_task_aborts_the_engine_request_and_frees_the_slot()
    {
        var harness = new PoolHarness(slots: 1);
        var running = harness.Admit("running");
        var call = await harness.Engine.NextCallAsync();
        call.Token(" a");
        harness.Admit("next");

        running.Cancel();
        call.Token(" late"); // the engine was still producing: this token must not reach the stream

        Assert.True(await call.Ended.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        var next = await harness.Engine.NextCallAsync();
        Assert.Equal("next", next.Request.Prompt);
        var frames = await PoolHarness.FramesAsync(running);
        Assert.DoesNotContain(frames, f => f.Event == "token" && f.Data.GetProperty("t").GetString() == " late");
        Assert.Equal("end", frames[^1].Event);
        Assert.Equal("canceled", frames[^1].Data.GetProperty("stop_reason").GetString());
    }

    [Fact]
    public async Task A_queued_task_past_its_deadline_leaves_the_queue_with_an_error_frame()
    {
        var harness = new PoolHarness(slots: 1);
        harness.Admit("blocker");
        await harness.Engine.NextCallAsync();
        var late = harness.Admit("late", deadlineMs: 100);
        var patient = harness.Admit("patient");

        harness.Time.Advance(TimeSpan.FromMilliseconds(99));
        Assert.Equal(0, harness.Pool.ExpireOverdue());
        harness.Time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, harness.Pool.ExpireOverdue());

        var error = PoolHarness.OnlyFrameAfterQueued(await PoolHarness.FramesAsync(late));
        Assert.Equal("error", error.Event);
        Assert.Equal("DEADLINE_UNMET", error.Data.GetProperty("code").GetString());
        Assert.Equal(TaskState.Queued, patient.State);
    }

    [Fact]
    public async Task A_task_that_started_before_its_deadline_is_not_taken_for_an_overdue_queued_one()
    {
        var harness = new PoolHarness(slots: 1);
        harness.Admit("blocker");
        var blocker = await harness.Engine.NextCallAsync();
        var started = harness.Admit("started in time", deadlineMs: 100);
        // Takes the slot when the runner ends "started in time" at its deadline, so that "late" is still queued when it
        // becomes overdue (without it, "late" could start in that freed slot first: the test raced on that).
        harness.Admit("filler");
        var late = harness.Admit("late", deadlineMs: 300);
        blocker.Finish(1);
        Assert.Equal("started in time", (await harness.Engine.NextCallAsync()).Request.Prompt);

        harness.Time.Advance(TimeSpan.FromMilliseconds(200));
        Assert.Equal(0, harness.Pool.ExpireOverdue());
        harness.Time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.Equal(1, harness.Pool.ExpireOverdue());

        Assert.Equal(TaskState.Failed, late.State);
        Assert.Equal("DEADLINE_UNMET", (await PoolHarness.FramesAsync(late))[^1].Data.GetProperty("code").GetString());
        // Never failed by the queue's sweep: its run went on until its own deadline, which the runner ends with
        // end "deadline" (asynchronously, so its state was Running or already Completed when the sweep returned).
        var frames = await PoolHarness.FramesAsync(started);
        Assert.DoesNotContain(frames, f => f.Event == "error");
        Assert.Equal("deadline", frames[^1].Data.GetProperty("stop_reason").GetString());
        Assert.Equal(TaskState.Completed, started.State);
    }

    [Fact]
    public async Task Prediction_and_backoff_follow_the_observed_drain_rate()
    {
        var harness = new PoolHarness(slots: 2, capacity: 1);
        var first = harness.Submit("unknown-yet");
        Assert.Equal(0, first.Task!.PredictedStartMs); // a free slot: starts at once, even with no history

        // Two tasks that each hold a slot for 400 ms: the pool drains one task per 200 ms.
        (await harness.Engine.NextCallAsync()).Finish(1);
        await PoolHarness.FramesAsync(first.Task);
        var a = harness.Admit("a");
        var b = harness.Admit("b");
        var callA = await harness.Engine.NextCallAsync();
        var callB = await harness.Engine.NextCallAsync();
        harness.Time.Advance(TimeSpan.FromMilliseconds(400));
        callA.Finish(1);
        callB.Finish(1);
        await PoolHarness.FramesAsync(a);
        await PoolHarness.FramesAsync(b);
        // The end frame is written before the slot is given back: the clock moves on only once it has been.
        await harness.Pool.WaitEmptyAsync(CancellationToken.None);
        for (var i = 0; i < 30; i++) // let the mean settle on 400 ms
        {
            var t = harness.Admit("settle" + i);
            var call = await harness.Engine.NextCallAsync();
            harness.Time.Advance(TimeSpan.FromMilliseconds(400));
            call.Finish(1);
            await PoolHarness.FramesAsync(t);
            await harness.Pool.WaitEmptyAsync(CancellationToken.None);
        }

        harness.Admit("busy1");
        harness.Admit("busy2");
        await harness.Engine.NextCallAsync();
        await harness.Engine.NextCallAsync();
        var waiting = harness.Submit("waits");
        Assert.InRange(waiting.Task!.PredictedStartMs!.Value, 190, 210);
        Assert.True(waiting.BackoffMs > 0); // the queue is at capacity

        var refused = harness.Submit("refused");
        Assert.Equal("ADMISSION_REJECT", refused.Rejection!.Code);
        Assert.Equal("reject", refused.Rejection.PolicyLabel);
        Assert.InRange(refused.Rejection.RetryAfterMs!.Value, 190, 210);

        var hopeless = harness.Submit("hopeless", deadlineMs: 50);
        Assert.Equal("DEADLINE_UNMET", hopeless.Rejection!.Code);
        Assert.False(harness.Tasks.TryGet(hopeless.Task?.Id ?? "none", out _));
    }

    [Fact]
    public async Task Drop_lru_evicts_a_queued_batch_task_and_ends_its_stream()
    {
        var harness = new PoolHarness(slots: 1, capacity: 1, policy: FullPolicy.DropLru);
        harness.Admit("blocker");
        await harness.Engine.NextCallAsync();
        var victim = harness.Admit("victim", Priority.Batch);

        var newcomer = harness.Submit("newcomer");

        Assert.Null(newcomer.Rejection);
        var error = PoolHarness.OnlyFrameAfterQueued(await PoolHarness.FramesAsync(victim));
        Assert.Equal("QUEUE_FULL_DROP_LRU", error.Data.GetProperty("code").GetString());
        Assert.True(error.Data.GetProperty("retriable").GetBoolean());

        var batch = harness.Submit("batch-cannot-evict-interactive", Priority.Batch);
        Assert.Equal("QUEUE_FULL_DROP_LRU", batch.Rejection!.Code);
        Assert.Equal("drop-lru", batch.Rejection.PolicyLabel);
    }

    [Fact]
    public void A_pool_that_started_draining_after_placement_looked_refuses_the_task_under_its_own_lock()
    {
        var harness = new PoolHarness();
        Assert.Null(TaskRequestValidator.Validate(TaskRequestValidatorTests.Valid(), new AdmissionLimits(), out var spec));
        var task = new OrchestratedTask(spec!, "corr-late", harness.Pool, harness.Time);

        harness.Pool.Drain(TimeSpan.FromSeconds(10)); // between placement's look and the queueing

        var admitted = harness.Pool.Admit(task);
        Assert.Equal("POOL_UNAVAILABLE", admitted.Rejection?.Code);
        Assert.Equal(0, harness.Pool.QueueDepth);
    }

    [Fact]
    public void A_pool_whose_replica_cannot_start_refuses_with_its_last_error()
    {
        var harness = new PoolHarness();
        harness.Pool.ReplicaDown(PoolHarness.ReplicaId, "engine exited (exit code 2): bad flag", cannotStart: true);

        var outcome = harness.Submit("x");

        Assert.Equal("POOL_UNREADY", outcome.Rejection!.Code);
        Assert.Equal("llamacpp", outcome.Rejection.Engine);
        Assert.Contains("'p'", outcome.Rejection.Message);
        Assert.Contains("bad flag", outcome.Rejection.Message);
    }

    [Fact]
    public async Task A_pool_whose_replica_is_loading_or_restarting_queues_tasks_and_runs_them_once_it_is_ready()
    {
        var harness = new PoolHarness(ready: false);
        harness.Pool.ReplicaStarting(PoolHarness.ReplicaId, "cpu");

        var loading = harness.Admit("while-loading");
        harness.Time.Advance(TimeSpan.FromSeconds(1));
        harness.Pool.ReplicaDown(PoolHarness.ReplicaId, "engine exited (exit code 137)"); // a restart may fix it
        var restarting = harness.Admit("while-restarting");

        // Nothing measured yet: the rest of the assumed load, then the prior service time of the task ahead.
        Assert.Equal(StartPrediction.PriorLoadMs, loading.PredictedStartMs);
        Assert.True(restarting.PredictedStartMs > StartPrediction.PriorLoadMs, $"{restarting.PredictedStartMs}");
        Assert.Equal(2, harness.Pool.QueueDepth);

        harness.Pool.ReplicaStarting(PoolHarness.ReplicaId, "cpu");
        harness.Time.Advance(TimeSpan.FromMilliseconds(1500));
        harness.MakeReady();
        (await harness.Engine.NextCallAsync()).Finish(1);
        (await harness.Engine.NextCallAsync()).Finish(1);

        Assert.Equal("end", (await PoolHarness.FramesAsync(loading))[^1].Event);
        Assert.Equal("end", (await PoolHarness.FramesAsync(restarting))[^1].Event);
    }

    [Fact]
    public async Task Queued_tasks_end_with_POOL_UNREADY_once_no_replica_can_come_up()
    {
        var harness = new PoolHarness(ready: false);
        var waiting = harness.Admit("waiting");

        harness.Pool.ReplicaDown(PoolHarness.ReplicaId, "model hf:x/y/z.gguf is not available: offline", cannotStart: true);

        var error = PoolHarness.OnlyFrameAfterQueued(await PoolHarness.FramesAsync(waiting));
        Assert.Equal("error", error.Event);
        Assert.Equal("POOL_UNREADY", error.Data.GetProperty("code").GetString());
        Assert.Contains("offline", error.Data.GetProperty("message").GetString());
        Assert.Equal(0, harness.Pool.QueueDepth);
    }

    [Fact]
    public void A_reused_task_id_is_refused_while_the_task_is_known()
    {
        var harness = new PoolHarness();
        var first = harness.Admit("first");
        var body = TaskRequestValidatorTests.Valid() with { TaskId = first.Id };
        TaskRequestValidator.Validate(body, new(), out var spec);

        var again = harness.Admission.Submit(spec!, "c");

        Assert.Equal("TASK_EXISTS", again.Rejection!.Code);
        Assert.StartsWith("task_id:", again.Rejection.Message);
    }

    [Fact]
    public async Task A_drained_pool_refuses_new_work_and_ends_what_is_left_at_its_deadline()
    {
        var harness = new PoolHarness(slots: 1);
        var running = harness.Admit("running");
        var call = await harness.Engine.NextCallAsync();
        var queued = harness.Admit("queued");

        harness.Pool.Drain(TimeSpan.FromMilliseconds(100));

        Assert.Equal("POOL_UNAVAILABLE", harness.Submit("late").Rejection!.Code);
        Assert.True(harness.Pool.Snapshot().Draining);
        harness.Time.Advance(TimeSpan.FromMilliseconds(99));
        Assert.Equal(0, harness.Pool.ExpireOverdue());
        harness.Time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(2, harness.Pool.ExpireOverdue());

        Assert.True(await call.Ended.Task.WaitAsync(TimeSpan.FromSeconds(10))); // the engine request was aborted
        foreach (var task in new[] { running, queued })
        {
            var last = (await PoolHarness.FramesAsync(task))[^1];
            Assert.Equal("error", last.Event);
            Assert.Equal("POOL_UNAVAILABLE", last.Data.GetProperty("code").GetString());
        }
    }
}

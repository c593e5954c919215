using LlamaOrch.Core.Admission;
using LlamaOrch.Core.Tasks;

namespace LlamaOrch.Core.Tests.Pools;

/// <summary>
/// On an engine that batches the sequences it runs together (llama-server, issue 18 defects 2 and 3), a strict task
/// or an embedding runs with no other task of its workload on its replica, through the pool's one dispatcher.
/// </summary>
public sealed class BatchIsolationTests
{
    [Fact]
    public async Task A_strict_task_waits_for_the_replica_to_empty_holds_it_against_later_tasks_and_runs_alone()
    {
        var harness = new PoolHarness(slots: 2, batchesTogether: true);
        harness.Admit("first");
        var first = await harness.Engine.NextCallAsync();
        harness.Admit("strict", strict: true);
        harness.Admit("later");
        // A slot is free, but the strict task holds the replica: neither it nor the task behind it starts.
        Assert.Equal(2, harness.Pool.QueueDepth);

        first.Finish(1);
        var strict = await harness.Engine.NextCallAsync();
        Assert.Equal("strict", strict.Request.Prompt);
        Assert.True(strict.Request.Strict);
        // It runs alone: the other slot stays empty while it runs.
        Assert.Equal(1, harness.Pool.QueueDepth);
        Assert.Equal(1, Assert.Single(harness.Pool.Replicas()).SlotsFree);

        strict.Finish(1);
        var later = await harness.Engine.NextCallAsync();
        Assert.Equal("later", later.Request.Prompt);
        later.Finish(1);
    }

    [Fact]
    public async Task On_an_engine_that_keeps_strict_sequences_apart_a_strict_task_shares_the_replica()
    {
        var harness = new PoolHarness(slots: 2);
        harness.Admit("first");
        var first = await harness.Engine.NextCallAsync();
        harness.Admit("strict", strict: true);

        var strict = await harness.Engine.NextCallAsync();
        Assert.Equal("strict", strict.Request.Prompt);
        Assert.True(strict.Request.Strict);
        first.Finish(1);
        strict.Finish(1);
    }

    [Fact]
    public async Task A_strict_task_cancelled_while_it_waits_lets_the_tasks_behind_it_go()
    {
        var harness = new PoolHarness(slots: 2, batchesTogether: true);
        harness.Admit("first");
        var first = await harness.Engine.NextCallAsync();
        var strict = harness.Admit("strict", strict: true);
        harness.Admit("later");
        Assert.Equal(2, harness.Pool.QueueDepth);

        Assert.True(strict.Cancel());

        var later = await harness.Engine.NextCallAsync();
        Assert.Equal("later", later.Request.Prompt);
        Assert.Equal(TaskState.Canceled, strict.State);
        first.Finish(1);
        later.Finish(1);
    }

    [Fact]
    public async Task Two_replicas_a_strict_task_takes_the_idle_one_and_best_effort_work_goes_to_the_other()
    {
        var harness = new PoolHarness(slots: 2, replicas: 2, batchesTogether: true);
        harness.Admit("first");
        var first = await harness.Engine.NextCallAsync();
        harness.Admit("strict", strict: true);

        var strict = await harness.Engines[1].NextCallAsync();
        Assert.Equal("strict", strict.Request.Prompt);
        harness.Admit("second");
        harness.Admit("third");
        // Both go to the first replica's one free slot or wait for it; none joins the strict task.
        var second = await harness.Engine.NextCallAsync();
        Assert.Equal("second", second.Request.Prompt);
        Assert.Equal(1, harness.Pool.QueueDepth);

        first.Finish(1);
        Assert.Equal("third", (await harness.Engine.NextCallAsync()).Request.Prompt);
        strict.Finish(1);
    }

    [Fact]
    public async Task An_embedding_runs_beside_a_strict_completion_but_not_beside_another_embedding()
    {
        var harness = new PoolHarness(slots: 3, workloads: [Workload.Completion, Workload.Embedding], batchesTogether: true);
        harness.Engine.EmbedGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        harness.Admit("strict", strict: true);
        var strict = await harness.Engine.NextCallAsync();

        // llama-server never batches an embedding with a completion: the strict task does not keep it out.
        var first = Embed(harness, "one", "two");
        await PoolHarness.WaitForFrameAsync(first, "started");
        // A second embedding would share the first one's batch: it waits, though a slot is free.
        var second = Embed(harness, "three");
        Assert.Equal(1, harness.Pool.QueueDepth);
        Assert.Equal(TaskState.Queued, second.State);

        harness.Engine.EmbedGate.SetResult();
        Assert.Equal("end", (await PoolHarness.FramesAsync(first))[^1].Event);
        Assert.Equal("end", (await PoolHarness.FramesAsync(second))[^1].Event);
        Assert.Equal(2, harness.Engine.EmbedCalls);
        strict.Finish(1);
    }

    [Fact]
    public async Task On_an_engine_that_keeps_them_apart_embeddings_run_side_by_side()
    {
        var harness = new PoolHarness(slots: 2, workloads: [Workload.Embedding]);
        harness.Engine.EmbedGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = Embed(harness, "one");
        var second = Embed(harness, "two");
        await PoolHarness.WaitForFrameAsync(first, "started");
        await PoolHarness.WaitForFrameAsync(second, "started");
        Assert.Equal(0, harness.Pool.QueueDepth);
        harness.Engine.EmbedGate.SetResult();
        Assert.Equal("end", (await PoolHarness.FramesAsync(second))[^1].Event);
    }

    private static OrchestratedTask Embed(PoolHarness harness, params string[] inputs)
    {
        var body = TaskRequestValidatorTests.Valid() with
        {
            TaskId = Guid.NewGuid().ToString(), SessionId = Guid.NewGuid().ToString(), Workload = "embedding", Prompt = null, Inputs = [.. inputs],
        };
        Assert.Null(TaskRequestValidator.Validate(body, new AdmissionLimits(), out var spec));
        var outcome = harness.Admission.Submit(spec!, "corr-embed");
        Assert.Null(outcome.Rejection);
        return outcome.Task!;
    }
}

using LlamaOrch.Core.Tasks;

namespace LlamaOrch.Core.Tests.Pools;

/// <summary>
/// Strict determinism on an engine that batches every sequence together (llama-server, issue 18 defect 3): a strict
/// task gets its replica alone, through the pool's one dispatcher.
/// </summary>
public sealed class StrictAloneTests
{
    [Fact]
    public async Task A_strict_task_waits_for_the_replica_to_empty_holds_it_against_later_tasks_and_runs_alone()
    {
        var harness = new PoolHarness(slots: 2, strictNeedsReplicaAlone: true);
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
        Assert.Equal(0, Assert.Single(harness.Pool.Replicas()).SlotsFree);

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
        var harness = new PoolHarness(slots: 2, strictNeedsReplicaAlone: true);
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
        var harness = new PoolHarness(slots: 2, replicas: 2, strictNeedsReplicaAlone: true);
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
}

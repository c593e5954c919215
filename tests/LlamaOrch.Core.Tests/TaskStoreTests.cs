using LlamaOrch.Core.Admission;

namespace LlamaOrch.Core.Tests;

public sealed class TaskStoreTests
{
    [Fact]
    public async Task Finished_tasks_beyond_the_count_limit_are_forgotten_oldest_first_and_live_ones_never()
    {
        var harness = new PoolHarness(slots: 4); // its store keeps at most 2 finished tasks
        var finished = new List<Tasks.OrchestratedTask>();
        for (var i = 0; i < 3; i++)
        {
            var task = harness.Admit("done" + i);
            (await harness.Engine.NextCallAsync()).Finish(1);
            await PoolHarness.FramesAsync(task);
            finished.Add(task);
            harness.Time.Advance(TimeSpan.FromMilliseconds(1));
        }
        var running = harness.Admit("running");
        await harness.Engine.NextCallAsync();

        Assert.Equal(1, harness.Tasks.SweepExpired());

        Assert.False(harness.Tasks.TryGet(finished[0].Id, out _));
        Assert.True(harness.Tasks.TryGet(finished[1].Id, out _));
        Assert.True(harness.Tasks.TryGet(finished[2].Id, out _));
        Assert.True(harness.Tasks.TryGet(running.Id, out _));
    }

    [Fact]
    public async Task Finished_tasks_are_forgotten_in_the_order_they_finished_not_the_order_they_came()
    {
        var harness = new PoolHarness(slots: 4); // its store keeps at most 2 finished tasks
        var tasks = new List<Tasks.OrchestratedTask>();
        var calls = new List<EngineCall>();
        for (var i = 0; i < 3; i++)
        {
            tasks.Add(harness.Admit("task" + i));
            calls.Add(await harness.Engine.NextCallAsync());
        }
        foreach (var index in new[] { 2, 0, 1 })
        {
            calls[index].Finish(1);
            await PoolHarness.FramesAsync(tasks[index]);
            harness.Time.Advance(TimeSpan.FromSeconds(10));
        }

        Assert.Equal(1, harness.Tasks.SweepExpired());
        Assert.False(harness.Tasks.TryGet(tasks[2].Id, out _));
        Assert.True(harness.Tasks.TryGet(tasks[0].Id, out _));

        // The retention (60 s) of the first of the two left has passed 40 s later, not yet that of the last.
        harness.Time.Advance(TimeSpan.FromSeconds(40));
        Assert.Equal(1, harness.Tasks.SweepExpired());
        Assert.False(harness.Tasks.TryGet(tasks[0].Id, out _));
        Assert.True(harness.Tasks.TryGet(tasks[1].Id, out _));
    }

    [Fact]
    public void A_task_is_found_by_its_id_only_once_its_pool_admitted_it()
    {
        // Between storing a task and its pool's answer, a reader that found it would follow a task whose admission may
        // still be refused (and the task dropped): a stream no frame, pulse or shutdown would ever reach.
        var harness = new PoolHarness();
        Assert.Null(TaskRequestValidator.Validate(TaskRequestValidatorTests.Valid(), new AdmissionLimits(), out var spec));
        var task = new Tasks.OrchestratedTask(spec!, "corr", harness.Pool, harness.Time);

        Assert.True(harness.Tasks.TryAdd(task));
        Assert.False(harness.Tasks.TryGet(task.Id, out _));
        Assert.False(harness.Tasks.TryAdd(new Tasks.OrchestratedTask(spec!, "corr-same-id", harness.Pool, harness.Time)));

        task.MarkAdmitted();
        Assert.True(harness.Tasks.TryGet(task.Id, out var found));
        Assert.Same(task, found);
    }

    [Fact]
    public async Task Finished_tasks_are_forgotten_once_the_retention_passes()
    {
        var harness = new PoolHarness();
        var task = harness.Admit("done");
        (await harness.Engine.NextCallAsync()).Finish(1);
        await PoolHarness.FramesAsync(task);

        harness.Time.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal(0, harness.Tasks.SweepExpired());
        harness.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, harness.Tasks.SweepExpired());
        Assert.False(harness.Tasks.TryGet(task.Id, out _));
    }
}

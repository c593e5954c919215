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

using LlamaOrch.Core.Tasks;
using LlamaOrch.Core.Telemetry;

namespace LlamaOrch.Core.Tests.Telemetry;

public sealed class TaskMetricsTests
{
    private static readonly PoolMetricLabels Labels = new("llamacpp", "scripted", "p");

    [Fact]
    public async Task A_pool_reports_enqueue_start_cancel_and_each_runs_tokens_once_at_its_end()
    {
        var metrics = new RecordingTaskMetrics();
        var harness = new PoolHarness(slots: 1, metrics: metrics);

        var done = harness.Admit("done");
        var call = await harness.Engine.NextCallAsync();
        call.Token(" Once");
        call.Token(" upon");
        call.Finish(2);
        await PoolHarness.FramesAsync(done);
        await harness.Runner.WhenRunsEndAsync();

        var running = harness.Admit("running");
        (await harness.Engine.NextCallAsync()).Token(" a");
        await PoolHarness.WaitForFrameAsync(running, "token");
        var queued = harness.Admit("queued", Priority.Batch);
        Assert.True(queued.Cancel());
        Assert.True(running.Cancel());
        await harness.Runner.WhenRunsEndAsync();

        Assert.Equal([(Labels, Priority.Interactive), (Labels, Priority.Interactive), (Labels, Priority.Batch)], metrics.Enqueued);
        Assert.Equal([(Labels, PoolHarness.ReplicaId, Priority.Interactive), (Labels, PoolHarness.ReplicaId, Priority.Interactive)], metrics.Started);
        Assert.Equal([(Labels, "", CancelReasons.Client), (Labels, PoolHarness.ReplicaId, CancelReasons.Client)], metrics.Canceled);
        var runs = metrics.RunsEnded.ToList();
        Assert.Equal(2, runs.Count);
        Assert.Equal((3L, 2L, 1.0), (runs[0].Figures.TokensIn, runs[0].Figures.TokensOut, runs[0].Figures.DecodeMs));
        Assert.NotNull(runs[0].Figures.FirstTokenMs);
        // A cancelled run counts the tokens it streamed, and no decode time.
        Assert.Equal((0L, 1L, (double?)null), (runs[1].Figures.TokensIn, runs[1].Figures.TokensOut, runs[1].Figures.DecodeMs));
    }

    [Fact]
    public void The_queue_depth_of_each_priority_is_readable_without_the_pools_lock()
    {
        var harness = new PoolHarness(slots: 1);
        harness.Admit("blocker");
        harness.Admit("i1");
        harness.Admit("b1", Priority.Batch);
        harness.Admit("b2", Priority.Batch);

        Assert.Equal(1, harness.Pool.QueueDepthOf(Priority.Interactive));
        Assert.Equal(2, harness.Pool.QueueDepthOf(Priority.Batch));
    }
}

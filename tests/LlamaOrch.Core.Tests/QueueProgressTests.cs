using System.Text.Json;
using LlamaOrch.Core.Tasks;

namespace LlamaOrch.Core.Tests;

/// <summary>A queued task's stream tells its place and predicted start before <c>started</c>, coalesced by the pool's one timer.</summary>
public sealed class QueueProgressTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    [Fact]
    public async Task A_queued_task_hears_its_place_each_time_it_moves_up_then_starts()
    {
        var harness = new PoolHarness(slots: 1, metricsInterval: Interval);
        harness.Admit("blocker");
        var running = await harness.Engine.NextCallAsync();
        harness.Admit("first");
        harness.Admit("second");
        var last = harness.Admit("last");
        await PassUntilAsync(harness, last, 1);

        for (var moves = 2; moves <= 3; moves++)
        {
            running.Finish(1);
            running = await harness.Engine.NextCallAsync();
            await PassUntilAsync(harness, last, moves);
        }
        // More passes with nothing moved add no frame: one per change of place, not one per tick.
        for (var i = 0; i < 5; i++) harness.Time.Advance(Interval);
        running.Finish(1);
        (await harness.Engine.NextCallAsync()).Finish(1);

        var frames = await PoolHarness.FramesAsync(last);
        var beforeStart = frames.TakeWhile(f => f.Event != "started").ToList();
        Assert.Equal([2, 1, 0], beforeStart.Select(f => f.Data.GetProperty("queue_position").GetInt32()));
        Assert.All(beforeStart, f =>
        {
            Assert.Equal("metrics", f.Event);
            Assert.True(f.Data.GetProperty("predicted_start_ms").GetInt64() >= 0);
            Assert.False(f.Data.TryGetProperty("on_time_probability", out _)); // no deadline
        });
        Assert.Equal("started", frames[beforeStart.Count].Event);
        Assert.Equal("end", frames[^1].Event);
    }

    [Fact]
    public async Task Dispatches_within_one_interval_make_one_pass_and_one_frame()
    {
        var harness = new PoolHarness(slots: 1, metricsInterval: Interval);
        harness.Admit("blocker");
        var running = await harness.Engine.NextCallAsync();
        for (var i = 0; i < 3; i++) harness.Admit("ahead " + i);
        var last = harness.Admit("last");
        await PassUntilAsync(harness, last, 1);

        // Three tasks finish and three start without the clock moving: the pass waits for the interval.
        for (var i = 0; i < 3; i++)
        {
            running.Finish(1);
            running = await harness.Engine.NextCallAsync();
        }
        Assert.Single(await MetricsAsync(last));
        harness.Time.Advance(Interval);
        running.Finish(1);
        (await harness.Engine.NextCallAsync()).Finish(1);

        var frames = await PoolHarness.FramesAsync(last);
        var positions = frames.TakeWhile(f => f.Event != "started").Select(f => f.Data.GetProperty("queue_position").GetInt32());
        Assert.Equal([3, 0], positions);
    }

    [Fact]
    public async Task A_queued_task_with_more_time_to_its_deadline_is_more_likely_on_time()
    {
        // Two pools that see the same time and load; only the deadline differs.
        var chances = new List<double>();
        foreach (var deadlineMs in new[] { 1_000L, 60_000L })
        {
            var harness = new PoolHarness(slots: 1, metricsInterval: Interval);
            harness.Admit("blocker");
            await harness.Engine.NextCallAsync();
            var task = harness.Admit("waiting", deadlineMs: deadlineMs);
            await PassUntilAsync(harness, task, 1);
            var metrics = (await MetricsAsync(task)).Single();
            chances.Add(metrics.GetProperty("on_time_probability").GetDouble());
            Assert.InRange(metrics.GetProperty("deadline_remaining_ms").GetInt64(), 0, deadlineMs);
        }
        Assert.InRange(chances[0], 0, 1);
        Assert.InRange(chances[1], 0, 1);
        Assert.True(chances[1] > chances[0], $"{chances[1]} > {chances[0]}");
    }

    /// <summary>Moves the fake clock an interval at a time until the task has this many <c>metrics</c> frames (dispatch runs on other threads).</summary>
    private static async Task PassUntilAsync(PoolHarness harness, OrchestratedTask task, int count)
    {
        for (var attempt = 0; attempt < 500; attempt++)
        {
            harness.Time.Advance(Interval);
            if ((await MetricsAsync(task)).Count >= count) return;
            await Task.Delay(10);
        }
        Assert.Fail($"no {count} metrics frames");
    }

    private static async Task<List<JsonElement>> MetricsAsync(OrchestratedTask task)
    {
        var events = new List<TaskEventRecord>();
        await task.ReadEventsAsync(0, events);
        return events.Where(e => e.Kind == TaskEventKind.Metrics)
            .Select(e => JsonSerializer.SerializeToElement((Contracts.Tasks.MetricsFrame)e.Payload!, Contracts.ContractsJsonContext.Default.MetricsFrame))
            .ToList();
    }
}

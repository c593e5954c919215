using LlamaOrch.Core.Scheduling;

namespace LlamaOrch.Core.Tests;

public sealed class ServiceTimeTrackerTests
{
    [Fact]
    public void Knows_nothing_before_the_first_task_unless_no_wait_is_needed()
    {
        var tracker = new ServiceTimeTracker();
        Assert.Null(tracker.PredictWaitMs(waiting: 1, slots: 4));
        Assert.Equal(0, tracker.PredictWaitMs(waiting: 0, slots: 4));
    }

    [Fact]
    public void Predicts_from_the_mean_service_time_spread_over_the_slots()
    {
        var tracker = new ServiceTimeTracker();
        tracker.Observe(TimeSpan.FromMilliseconds(400));

        Assert.Equal(100, tracker.PredictWaitMs(waiting: 1, slots: 4));
        Assert.Equal(300, tracker.PredictWaitMs(waiting: 3, slots: 4));
    }

    [Fact]
    public void Follows_a_change_in_service_time()
    {
        var tracker = new ServiceTimeTracker();
        tracker.Observe(TimeSpan.FromMilliseconds(100));
        for (var i = 0; i < 40; i++) tracker.Observe(TimeSpan.FromMilliseconds(1000));

        Assert.InRange(tracker.MeanMs, 990, 1000);
    }
}

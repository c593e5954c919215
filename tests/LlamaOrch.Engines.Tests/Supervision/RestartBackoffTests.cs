using LlamaOrch.Engines.Supervision;

namespace LlamaOrch.Engines.Tests.Supervision;

public sealed class RestartBackoffTests
{
    private static readonly SupervisorOptions Options = new()
    {
        RestartBackoffInitial = TimeSpan.FromMilliseconds(250),
        RestartBackoffMax = TimeSpan.FromSeconds(1),
        CrashLoopThreshold = 3,
        StableRun = TimeSpan.FromSeconds(30),
    };

    private static readonly TimeSpan Short = TimeSpan.FromSeconds(1);

    [Fact]
    public void Short_runs_in_a_row_double_the_wait_up_to_the_cap_and_are_a_crash_loop_from_the_threshold()
    {
        var backoff = new RestartBackoff(Options);

        var waits = new List<double>();
        var crashLoop = new List<bool>();
        for (var i = 0; i < 5; i++)
        {
            waits.Add(backoff.Failed(Short).TotalMilliseconds);
            crashLoop.Add(backoff.CrashLoop);
        }

        Assert.Equal([250, 500, 1000, 1000, 1000], waits);
        Assert.Equal([false, false, true, true, true], crashLoop);
        Assert.Equal(5, backoff.Failures);
    }

    [Fact]
    public void A_run_that_lasted_the_stable_time_starts_the_count_again()
    {
        var backoff = new RestartBackoff(Options);
        backoff.Failed(Short);
        backoff.Failed(Short);
        backoff.Failed(Short);

        Assert.Equal(TimeSpan.FromMilliseconds(250), backoff.Failed(Options.StableRun));
        Assert.Equal(1, backoff.Failures);
        Assert.False(backoff.CrashLoop);
        Assert.Equal(TimeSpan.FromMilliseconds(500), backoff.Failed(Options.StableRun - TimeSpan.FromTicks(1)));
    }

    [Fact]
    public void A_long_streak_stays_at_the_cap()
    {
        var backoff = new RestartBackoff(Options);
        for (var i = 0; i < 2000; i++) backoff.Failed(Short); // 2^1999 overflows a double: still the cap

        Assert.Equal(Options.RestartBackoffMax, backoff.Failed(Short));
    }
}

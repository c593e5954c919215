using LlamaOrch.EngineHost.Simulation;

namespace LlamaOrch.EngineHost.Tests.Unit;

public sealed class TokenPacerTests
{
    // Timestamps in microseconds keep the arithmetic readable.
    private const long Frequency = 1_000_000;
    private const long Start = 5_000_000;

    [Fact]
    public void Unpaced_never_waits()
    {
        var pacer = new TokenPacer(0, Start, Frequency);

        Assert.Equal(TimeSpan.Zero, pacer.DelayBefore(1, Start));
        Assert.Equal(TimeSpan.Zero, pacer.DelayBefore(1_000_000, Start));
    }

    [Fact]
    public void Token_k_is_due_k_over_tps_after_the_start()
    {
        var pacer = new TokenPacer(100, Start, Frequency);

        Assert.Equal(TimeSpan.FromMilliseconds(10), pacer.DelayBefore(1, Start));
        Assert.Equal(TimeSpan.FromMilliseconds(4), pacer.DelayBefore(1, Start + 6_000));
        Assert.Equal(TimeSpan.FromMilliseconds(20), pacer.DelayBefore(3, Start + 10_000));
        Assert.Equal(TimeSpan.Zero, pacer.DelayBefore(1, Start + 10_000));
    }

    [Fact]
    public void Overdue_tokens_are_sent_at_once()
    {
        var pacer = new TokenPacer(100, Start, Frequency);

        for (var k = 1; k <= 50; k++)
        {
            Assert.Equal(TimeSpan.Zero, pacer.DelayBefore(k, Start + 500_000));
        }

        Assert.Equal(TimeSpan.FromMilliseconds(10), pacer.DelayBefore(51, Start + 500_000));
    }

    [Fact]
    public void A_token_due_within_a_timer_tick_is_sent_now()
    {
        var pacer = new TokenPacer(2000, Start, Frequency);

        Assert.Equal(TimeSpan.Zero, pacer.DelayBefore(1, Start));
        Assert.Equal(TimeSpan.Zero, pacer.DelayBefore(2, Start + 1));
        Assert.Equal(TimeSpan.FromMilliseconds(1), pacer.DelayBefore(2, Start));
    }

    [Theory]
    [InlineData(2000)]
    [InlineData(333)]
    [InlineData(50)]
    public void Average_rate_is_exact_with_a_coarse_oversleeping_timer(double tokensPerSecond)
    {
        var pacer = new TokenPacer(tokensPerSecond, Start, Frequency);
        var now = Start;
        var tokens = (int)tokensPerSecond * 2;

        for (var k = 1; k <= tokens; k++)
        {
            var delay = pacer.DelayBefore(k, now);
            if (delay > TimeSpan.Zero)
            {
                // A timer that rounds up to the next millisecond and then oversleeps by one more.
                now += (long)(Math.Ceiling(delay.TotalMilliseconds) + 1) * 1000;
            }
        }

        var elapsedSeconds = (now - Start) / (double)Frequency;
        Assert.InRange(elapsedSeconds, 2.0 - 0.001, 2.0 + 0.0021);
    }
}

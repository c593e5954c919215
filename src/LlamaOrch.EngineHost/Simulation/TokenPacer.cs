namespace LlamaOrch.EngineHost.Simulation;

/// <summary>
/// Paces a sequence at a fixed rate: token k (counted from 1) is due k / tps after the start. Due times are
/// absolute, so a late wake-up is caught up by sending the overdue tokens at once rather than drifting, and the
/// average rate stays exact even when the rate is finer than the timer.
/// </summary>
internal readonly struct TokenPacer
{
    /// <summary>
    /// Timers tick in whole milliseconds: a shorter wait would sleep a full tick, so a token due sooner is sent now
    /// and the absolute schedule absorbs the difference.
    /// </summary>
    public static readonly TimeSpan MinimumDelay = TimeSpan.FromMilliseconds(1);

    private readonly long _startTimestamp;
    private readonly double _timestampsPerToken;
    private readonly double _timestampFrequency;

    /// <param name="tokensPerSecond">The rate; 0 means unpaced.</param>
    public TokenPacer(double tokensPerSecond, long startTimestamp, long timestampFrequency)
    {
        _startTimestamp = startTimestamp;
        _timestampFrequency = timestampFrequency;
        _timestampsPerToken = tokensPerSecond > 0 ? timestampFrequency / tokensPerSecond : 0;
    }

    /// <summary>How long to wait before sending token <paramref name="tokenNumber"/>; zero means send it now.</summary>
    public TimeSpan DelayBefore(int tokenNumber, long nowTimestamp)
    {
        if (_timestampsPerToken == 0)
        {
            return TimeSpan.Zero;
        }

        var ahead = _startTimestamp + tokenNumber * _timestampsPerToken - nowTimestamp;
        var delay = TimeSpan.FromSeconds(ahead / _timestampFrequency);
        return delay >= MinimumDelay ? delay : TimeSpan.Zero;
    }
}

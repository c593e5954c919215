using Polly;
using Polly.Retry;

namespace LlamaOrch.Client;

/// <summary>
/// The Polly retry of one logical call: retriable answers always, lost connections only where the call is idempotent,
/// each wait at least what the server asked (<c>X-Backoff-Ms</c>/<c>Retry-After</c>) plus jitter, and no try that could
/// not start before the call's deadline.
/// </summary>
internal static class BackpressureRetry
{
    /// <param name="options">What to retry and how long to wait.</param>
    /// <param name="time">The clock of the waits and the deadline.</param>
    /// <param name="retryTransport">Whether a lost connection or a timed-out try may be repeated (the call is idempotent).</param>
    /// <param name="deadline">When the call gives up: the task's deadline, or the start plus <see cref="RetryOptions.MaxRetryDuration"/>.</param>
    /// <param name="onRetry">Hears of each error that is about to be retried.</param>
    public static ResiliencePipeline Create(
        RetryOptions options, TimeProvider time, bool retryTransport, DateTimeOffset deadline, Action<Exception>? onRetry = null)
    {
        if (options.MaxRetries <= 0) return ResiliencePipeline.Empty;
        return new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                Delay = options.BaseDelay,
                MaxDelay = options.MaxDelay,
                UseJitter = false,
                ShouldHandle = args => ValueTask.FromResult(
                    args.Outcome.Exception is { } error && IsRetriable(error, retryTransport)
                    && time.GetUtcNow() + Hint(error, args.AttemptNumber, options) < deadline),
                DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(
                    Delay(Hint(args.Outcome.Exception!, args.AttemptNumber, options), options.JitterFraction, deadline - time.GetUtcNow())),
                OnRetry = args =>
                {
                    onRetry?.Invoke(args.Outcome.Exception!);
                    options.OnRetry?.Invoke(new RetryAttempt(args.Outcome.Exception!, args.AttemptNumber + 2, args.RetryDelay));
                    return default;
                },
            })
            .Build();
    }

    public static bool IsRetriable(Exception error, bool retryTransport) => error switch
    {
        LlamaOrchApiException api => api.IsRetriable,
        // Nothing listens there (or the name is unknown): say so now rather than after minutes of retries.
        HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError } => false,
        HttpRequestException or TimeoutException or IOException => retryTransport,
        _ => false,
    };

    /// <summary>
    /// The wait before retry <paramref name="attempt"/> (0 for the first): from the server's hint when it gave one, else
    /// from <see cref="RetryOptions.BaseDelay"/>, doubling with each retry in a row up to <see cref="RetryOptions.MaxDelay"/>,
    /// as docs/retry-guidance.md asks of every client (a queue that stays full is not asked again at its drain rate for
    /// minutes); never less than the server asked.
    /// </summary>
    public static TimeSpan Hint(Exception error, int attempt, RetryOptions options)
    {
        var asked = error is LlamaOrchApiException { RetryAfter: { } hint } && hint > TimeSpan.Zero ? hint : (TimeSpan?)null;
        var doubled = (asked ?? options.BaseDelay).TotalMilliseconds * Math.Pow(2, Math.Min(attempt, 30));
        var capped = TimeSpan.FromMilliseconds(Math.Min(doubled, options.MaxDelay.TotalMilliseconds));
        return asked > capped ? asked.Value : capped;
    }

    /// <summary>The hint plus up to <paramref name="jitterFraction"/> of it at random, but not past the deadline.</summary>
    public static TimeSpan Delay(TimeSpan hint, double jitterFraction, TimeSpan untilDeadline)
    {
        var jittered = hint + TimeSpan.FromMilliseconds(hint.TotalMilliseconds * Math.Max(0, jitterFraction) * Random.Shared.NextDouble());
        var latest = untilDeadline < hint ? hint : untilDeadline;
        return jittered < latest ? jittered : latest;
    }
}

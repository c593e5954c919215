namespace LlamaOrch.Client;

/// <summary>
/// What is retried and how long it waits (docs/client-sdk.md). Only retriable answers are retried (429, 503 with
/// <c>retriable: true</c>, any envelope with <c>retriable: true</c>), and lost connections of idempotent calls (GETs,
/// cancel, task submission, which is idempotent by its <c>task_id</c>).
/// </summary>
public sealed record RetryOptions
{
    /// <summary>Retries after the first try, at most; 0 turns retries off. Default 100 (a task's deadline usually ends them first).</summary>
    public int MaxRetries { get; init; } = 100;

    /// <summary>
    /// How long a call keeps retrying when it has no deadline of its own (a task's <c>deadline_ms</c> is its own).
    /// Default 10 minutes.
    /// </summary>
    public TimeSpan MaxRetryDuration { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>First wait when the server gave no hint (doubles on each retry). Default 200 ms.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest a wait grows to by doubling; a server's hint above it is still waited out. Default 30 s.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Random extra wait, as a share of the wait (0.2: up to 20% more), so that many clients told the same
    /// <c>X-Backoff-Ms</c> do not return at the same instant. Never less than the server's hint. Default 0.2.
    /// </summary>
    public double JitterFraction { get; init; } = 0.2;

    /// <summary>
    /// Hears of each retry before its wait: the error that is retried, the try that comes next and the wait before it
    /// (a command line tells its user "queue full, retrying in 1.2 s"). Called on the retrying task; keep it short.
    /// </summary>
    public Action<RetryAttempt>? OnRetry { get; init; }
}

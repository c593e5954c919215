namespace LlamaOrch.Client;

/// <summary>How a <see cref="LlamaOrchClient"/> reaches orchestratord and how hard it tries.</summary>
public sealed record LlamaOrchClientOptions
{
    /// <summary>orchestratord's address; the default is its default bind, <c>http://127.0.0.1:8080/</c>.</summary>
    public Uri BaseAddress { get; init; } = new("http://127.0.0.1:8080/");

    /// <summary>The bearer token for <c>/v1</c> calls; null sends none (see <see cref="ApiToken.Resolve()"/>).</summary>
    public string? ApiToken { get; init; }

    /// <summary>
    /// The <c>X-Correlation-Id</c> every call of this client carries; null makes a fresh one per call (one per task run,
    /// shared by its submission, stream reads and cancel). <see cref="LlamaOrchClient.WithCorrelationId"/> sets it per view.
    /// </summary>
    public string? CorrelationId { get; init; }

    /// <summary>Limit for one non-streaming request (each try of it); streams have none. Default 100 s.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(100);

    /// <summary>Retries of retriable errors and backpressure (<see cref="RetryOptions"/>).</summary>
    public RetryOptions Retry { get; init; } = new();

    /// <summary>
    /// How many times in a row a dropped task stream is read again without getting a new frame before
    /// <see cref="TaskStreamInterruptedException"/>; a read that brings new frames resets the count. Default 5.
    /// </summary>
    public int MaxStreamReconnects { get; init; } = 5;

    /// <summary>
    /// How long a task stream may send nothing at all, not even the server's <c>: keep-alive</c> comment (every 15 s by
    /// default, <c>Orchestrator:Tasks:KeepAliveSeconds</c>), before it counts as dropped and is read again. Keep it
    /// above the server's keep-alive interval. Default 60 s.
    /// </summary>
    public TimeSpan StreamIdleTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Pause before reading a dropped stream again (grows with each try in a row). Default 100 ms.</summary>
    public TimeSpan StreamReconnectDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// When the caller's token is cancelled while a task run is being read, send <c>POST /v1/tasks/{id}/cancel</c> so the
    /// server stops the task too (a reader that merely disconnects does not cancel it). Default true.
    /// </summary>
    public bool CancelTaskOnCallerCancellation { get; init; } = true;

    /// <summary>The clock for retry delays and deadlines (tests pass a fake one).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}

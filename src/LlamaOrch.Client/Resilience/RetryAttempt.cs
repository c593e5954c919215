namespace LlamaOrch.Client;

/// <summary>A retry about to happen (<see cref="RetryOptions.OnRetry"/>).</summary>
/// <param name="Error">What the last try ended with: a <see cref="LlamaOrchApiException"/> (429, a retriable 503) or a lost connection.</param>
/// <param name="NextAttempt">The number of the try that follows the wait (2 for the first retry).</param>
/// <param name="Delay">How long the client waits before it: the server's hint plus jitter, or the backoff.</param>
public sealed record RetryAttempt(Exception Error, int NextAttempt, TimeSpan Delay);

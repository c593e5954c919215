using System.Net;
using LlamaOrch.Contracts.Errors;

namespace LlamaOrch.Client;

/// <summary>
/// orchestratord answered with an error (a 4xx/5xx with the error envelope), or a task stream ended with an
/// <c>error</c> frame the caller asked to see as an exception. Carries the envelope and the HTTP status as they came.
/// </summary>
public sealed class LlamaOrchApiException : Exception
{
    /// <summary>Creates the exception for an error answer.</summary>
    /// <param name="statusCode">The HTTP status; 200 for an <c>error</c> frame in an open stream.</param>
    /// <param name="error">The envelope as the server sent it (a synthetic one, code <c>HTTP_&lt;status&gt;</c>, when the body was not an envelope).</param>
    /// <param name="correlationId">The <c>X-Correlation-Id</c> the server echoed, else the one sent.</param>
    /// <param name="retryAfter">The wait the server asked for: <c>X-Backoff-Ms</c>, else <c>Retry-After</c>, else the envelope's <c>retry_after_ms</c>.</param>
    public LlamaOrchApiException(HttpStatusCode statusCode, ErrorEnvelope error, string? correlationId, TimeSpan? retryAfter)
        : base($"{(int)statusCode} {error.Code}: {error.Message}")
    {
        StatusCode = statusCode;
        Error = error;
        CorrelationId = correlationId ?? error.CorrelationId;
        RetryAfter = retryAfter ?? (error.RetryAfterMs is { } ms ? TimeSpan.FromMilliseconds(ms) : null);
    }

    /// <summary>The HTTP status of the answer.</summary>
    public HttpStatusCode StatusCode { get; }

    /// <summary>The whole error envelope.</summary>
    public ErrorEnvelope Error { get; }

    /// <summary>The error code (<see cref="ErrorCodes"/>), e.g. <c>ADMISSION_REJECT</c> or <c>INVALID_PARAMS</c>.</summary>
    public string Code => Error.Code;

    /// <summary>Whether the server says the same request may succeed later; null when it did not say.</summary>
    public bool? Retriable => Error.Retriable;

    /// <summary>The advisory policy that refused the request (<c>policy_label</c>), if any.</summary>
    public string? PolicyLabel => Error.PolicyLabel;

    /// <summary>The engine kind the error concerns, or <c>none</c>.</summary>
    public string? Engine => Error.Engine;

    /// <summary>The correlation id of the failed call (echoed by the server where it answered).</summary>
    public string? CorrelationId { get; }

    /// <summary>How long the server asked the client to wait before trying again; null when it gave no hint.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>
    /// True when retrying the same request may succeed: the envelope says <c>retriable: true</c>, or it says nothing
    /// and the status is 429 or 503.
    /// </summary>
    public bool IsRetriable => Error.Retriable ?? StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable;

    /// <summary>True for a 429: the queue was full (the concurrency gate halves its limit on these).</summary>
    public bool IsBackpressure => StatusCode == HttpStatusCode.TooManyRequests;
}

using System.Net;

namespace LlamaOrch.Client;

/// <summary>A successful answer without a body (cancel, delete).</summary>
/// <param name="StatusCode">The HTTP status (2xx).</param>
/// <param name="CorrelationId">The <c>X-Correlation-Id</c> the server echoed (the one sent, or the one it made when that was invalid).</param>
public record ApiResponse(HttpStatusCode StatusCode, string? CorrelationId);

/// <summary>A successful answer and its body.</summary>
/// <typeparam name="T">The wire type of the body (from <c>LlamaOrch.Contracts</c>).</typeparam>
/// <param name="Value">The body.</param>
/// <param name="StatusCode">The HTTP status (2xx, or 503 for a readiness probe that says not ready).</param>
/// <param name="CorrelationId">The <c>X-Correlation-Id</c> the server echoed.</param>
public sealed record ApiResponse<T>(T Value, HttpStatusCode StatusCode, string? CorrelationId) : ApiResponse(StatusCode, CorrelationId);

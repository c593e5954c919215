using LlamaOrch.Contracts.Errors;

namespace LlamaOrch.Core.Admission;

/// <summary>
/// A typed refusal at the domain edge: the HTTP layer maps <see cref="Code"/> to a status and the envelope.
/// </summary>
public sealed record Rejection(
    string Code,
    string Message,
    bool? Retriable = null,
    long? RetryAfterMs = null,
    string? PolicyLabel = null,
    string? Engine = null)
{
    public static Rejection InvalidParams(string field, string problem) =>
        new(ErrorCodes.InvalidParams, $"{field}: {problem}", Retriable: false);

    public ErrorEnvelope ToEnvelope(string? correlationId) =>
        new(Code, Message, Engine, Retriable, RetryAfterMs, PolicyLabel, correlationId);
}

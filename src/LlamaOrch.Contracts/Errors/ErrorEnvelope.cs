using System.Text.Json.Serialization;

namespace LlamaOrch.Contracts.Errors;

/// <summary>
/// The body of every 4xx/5xx answer and of the SSE <c>error</c> frame. HTTP answers always carry
/// <see cref="Engine"/> (the home profile's envelope is {code, message, engine}): the engine kind of the pool
/// or task concerned, or <see cref="NoEngine"/> where none is (authentication, routing, the catalog).
/// <see cref="TokensIn"/> and <see cref="TokensOut"/> are only in the <c>error</c> frame of a run its session's budget
/// stopped: what it had used, and was charged, when it stopped.
/// </summary>
public sealed record ErrorEnvelope(
    string Code,
    string Message,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Engine = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? Retriable = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? RetryAfterMs = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? PolicyLabel = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? CorrelationId = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? TokensIn = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? TokensOut = null)
{
    /// <summary>The <c>engine</c> of an error that concerns no engine.</summary>
    public const string NoEngine = "none";
}

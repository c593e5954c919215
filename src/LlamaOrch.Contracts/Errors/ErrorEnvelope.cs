using System.Text.Json.Serialization;

namespace LlamaOrch.Contracts.Errors;

/// <summary>
/// The body of every 4xx/5xx answer and of the SSE <c>error</c> frame. HTTP answers always carry
/// <see cref="Engine"/> (the home profile's envelope is {code, message, engine}): the engine kind of the pool
/// or task concerned, or <see cref="NoEngine"/> where none is (authentication, routing, the catalog).
/// </summary>
public sealed record ErrorEnvelope(
    string Code,
    string Message,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Engine = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? Retriable = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? RetryAfterMs = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? PolicyLabel = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? CorrelationId = null)
{
    /// <summary>The <c>engine</c> of an error that concerns no engine.</summary>
    public const string NoEngine = "none";
}

using System.Text.Json.Serialization;

namespace LlamaOrch.Contracts.Anthropic;

/// <summary>
/// Source-generated serialisation of the Anthropic door's wire types: snake_case as Anthropic writes it, nulls
/// written (Anthropic writes <c>"stop_reason": null</c>) except where a record says otherwise.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    NumberHandling = JsonNumberHandling.Strict,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Disallow)]
[JsonSerializable(typeof(MessagesRequest))]
[JsonSerializable(typeof(ContentBlockParam))]
[JsonSerializable(typeof(MessageResponse))]
[JsonSerializable(typeof(CountTokensResponse))]
[JsonSerializable(typeof(AnthropicErrorResponse))]
[JsonSerializable(typeof(MessageStartEvent))]
[JsonSerializable(typeof(ContentBlockStartEvent))]
[JsonSerializable(typeof(ContentBlockDeltaEvent))]
[JsonSerializable(typeof(ContentBlockStopEvent))]
[JsonSerializable(typeof(MessageDeltaEvent))]
[JsonSerializable(typeof(BareEvent))]
public sealed partial class AnthropicJsonContext : JsonSerializerContext;

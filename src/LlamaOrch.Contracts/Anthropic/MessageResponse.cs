using System.Text.Json;
using System.Text.Json.Serialization;

namespace LlamaOrch.Contracts.Anthropic;

/// <summary>The answer of <c>POST /v1/messages</c>, and the <c>message</c> of the stream's <c>message_start</c>.</summary>
/// <param name="Id"><c>msg_</c> and the task's id without dashes.</param>
/// <param name="StopReason"><c>end_turn</c>, <c>max_tokens</c>, <c>stop_sequence</c> or <c>tool_use</c>; null in <c>message_start</c>.</param>
/// <param name="StopSequence">The stop sequence that ended the answer, when one did and it is known.</param>
public sealed record MessageResponse(
    string Id,
    string Type,
    string Role,
    string Model,
    IReadOnlyList<ResponseContentBlock> Content,
    string? StopReason,
    string? StopSequence,
    MessageUsage Usage);

/// <summary>A <c>text</c> block (<see cref="Text"/>) or a <c>tool_use</c> block (<see cref="Id"/>, <see cref="Name"/>, <see cref="Input"/>).</summary>
public sealed record ResponseContentBlock(
    string Type,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Text = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Id = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Name = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] JsonElement? Input = null);

/// <param name="InputTokens">Prompt tokens the engine evaluated: the prompt less what it took from its KV cache.</param>
/// <param name="CacheReadInputTokens">Prompt tokens taken from the slot's KV cache (a session's earlier turns, a shared prefix).</param>
/// <param name="CacheCreationInputTokens">Always 0: keeping a prompt in the KV cache costs nothing extra here.</param>
public sealed record MessageUsage(int InputTokens, int OutputTokens, int CacheReadInputTokens, int CacheCreationInputTokens);

/// <summary>The answer of <c>POST /v1/messages/count_tokens</c>.</summary>
public sealed record CountTokensResponse(int InputTokens);

/// <summary>Every 4xx/5xx of the Anthropic door, and the stream's <c>error</c> event: <c>{"type":"error","error":{type,message}}</c>.</summary>
public sealed record AnthropicErrorResponse(string Type, AnthropicError Error);

/// <param name="Type"><c>invalid_request_error</c>, <c>authentication_error</c>, <c>permission_error</c>, <c>not_found_error</c>,
/// <c>request_too_large</c>, <c>rate_limit_error</c>, <c>api_error</c> or <c>overloaded_error</c>.</param>
public sealed record AnthropicError(string Type, string Message);

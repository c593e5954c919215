using System.Text.Json;

namespace LlamaOrch.Contracts.OpenAi;

/// <summary>
/// <c>POST /v1/chat/completions</c> as it arrives. Members that may be a string or an array (<c>content</c>,
/// <c>stop</c>, <c>tool_choice</c>) stay JSON until the door reads them; members we cannot honour are read only to be
/// refused with a clear 400 rather than silently dropped.
/// </summary>
public sealed record ChatCompletionRequest
{
    public string? Model { get; init; }
    public List<ChatMessageBody>? Messages { get; init; }
    public int? MaxTokens { get; init; }
    public int? MaxCompletionTokens { get; init; }
    public double? Temperature { get; init; }
    public double? TopP { get; init; }
    public JsonElement? Stop { get; init; }
    public long? Seed { get; init; }
    public int? N { get; init; }
    public bool? Stream { get; init; }
    public StreamOptionsBody? StreamOptions { get; init; }
    public ResponseFormatBody? ResponseFormat { get; init; }
    public List<ToolBody>? Tools { get; init; }
    public JsonElement? ToolChoice { get; init; }
    public string? User { get; init; }

    /// <summary>Extension: <c>interactive</c> or <c>batch</c>, as the <c>X-Priority</c> header.</summary>
    public string? Priority { get; init; }

    // Read only to refuse them: the door cannot honour these.
    public bool? Logprobs { get; init; }
    public int? TopLogprobs { get; init; }
    public JsonElement? Audio { get; init; }
    public JsonElement? Modalities { get; init; }
    public JsonElement? Prediction { get; init; }
    public JsonElement? LogitBias { get; init; }
    public double? FrequencyPenalty { get; init; }
    public double? PresencePenalty { get; init; }
    public JsonElement? Functions { get; init; }
}

/// <param name="Content">A string, an array of content parts, or null (an assistant turn that only calls tools).</param>
public sealed record ChatMessageBody(string? Role, JsonElement? Content)
{
    public string? Name { get; init; }
    public List<ToolCallBody>? ToolCalls { get; init; }
    public string? ToolCallId { get; init; }
}

public sealed record ToolCallBody(string? Id, string? Type, FunctionCallBody? Function);

/// <param name="Arguments">The arguments as JSON text, as OpenAI writes them.</param>
public sealed record FunctionCallBody(string? Name, string? Arguments);

public sealed record ToolBody(string? Type, FunctionBody? Function);

public sealed record FunctionBody(string? Name, string? Description, JsonElement? Parameters);

public sealed record StreamOptionsBody(bool? IncludeUsage);

/// <param name="Type"><c>text</c>, <c>json_object</c> or <c>json_schema</c>.</param>
public sealed record ResponseFormatBody(string? Type, JsonSchemaFormatBody? JsonSchema);

public sealed record JsonSchemaFormatBody(string? Name, JsonElement? Schema, bool? Strict);

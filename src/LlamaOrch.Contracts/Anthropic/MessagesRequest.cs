using System.Text.Json;

namespace LlamaOrch.Contracts.Anthropic;

/// <summary>
/// The body of <c>POST /v1/messages</c> (and, without <c>max_tokens</c>, of <c>/v1/messages/count_tokens</c>) as it
/// arrives. Fields that Anthropic lets be a string or a list of blocks (<c>system</c>, a message's <c>content</c>) are
/// kept as JSON and read by the door, so that a missing or odd field gets a message naming it.
/// </summary>
public sealed record MessagesRequest
{
    public string? Model { get; init; }
    public int? MaxTokens { get; init; }
    public List<MessageParam>? Messages { get; init; }

    /// <summary>A string, or a list of <c>text</c> blocks.</summary>
    public JsonElement? System { get; init; }

    public List<string>? StopSequences { get; init; }
    public double? Temperature { get; init; }
    public double? TopP { get; init; }
    public int? TopK { get; init; }
    public List<ToolParam>? Tools { get; init; }
    public ToolChoiceParam? ToolChoice { get; init; }
    public MetadataParam? Metadata { get; init; }
    public bool? Stream { get; init; }
}

public sealed record MessageParam
{
    public string? Role { get; init; }

    /// <summary>A string, or a list of content blocks (<see cref="ContentBlockParam"/>).</summary>
    public JsonElement? Content { get; init; }
}

/// <summary>One block of a message's content; which fields matter depends on <see cref="Type"/>.</summary>
public sealed record ContentBlockParam
{
    public string? Type { get; init; }

    /// <summary><c>text</c>.</summary>
    public string? Text { get; init; }

    /// <summary><c>tool_use</c>: the call's id, the tool's name and the arguments object.</summary>
    public string? Id { get; init; }
    public string? Name { get; init; }
    public JsonElement? Input { get; init; }

    /// <summary><c>tool_result</c>: the id of the call it answers, its content (a string or text blocks) and whether it failed.</summary>
    public string? ToolUseId { get; init; }
    public JsonElement? Content { get; init; }
    public bool? IsError { get; init; }
}

public sealed record ToolParam
{
    /// <summary>Absent or <c>custom</c> for a client tool; Anthropic's server tools (<c>web_search_…</c>, <c>bash_…</c>) have their own.</summary>
    public string? Type { get; init; }
    public string? Name { get; init; }
    public string? Description { get; init; }
    public JsonElement? InputSchema { get; init; }
}

public sealed record ToolChoiceParam
{
    /// <summary><c>auto</c>, <c>any</c>, <c>tool</c> or <c>none</c>.</summary>
    public string? Type { get; init; }

    /// <summary>For <c>tool</c>: the tool to call.</summary>
    public string? Name { get; init; }

    public bool? DisableParallelToolUse { get; init; }
}

public sealed record MetadataParam
{
    /// <summary>An opaque id of the end user: the task's session (a uuid as it is, anything else mapped to a stable uuid).</summary>
    public string? UserId { get; init; }
}

namespace LlamaOrch.Core.Chat;

/// <summary>
/// One message of a conversation, as every chat door (OpenAI, Anthropic) hands it to rendering: the door's own
/// shapes (content parts, tool_use blocks) are flattened into this before a template sees them.
/// </summary>
/// <param name="Role"><c>system</c>, <c>user</c>, <c>assistant</c> or <c>tool</c>.</param>
/// <param name="Content">The text; null for an assistant turn that only calls tools.</param>
public sealed record ChatMessage(string Role, string? Content)
{
    /// <summary>The calls an assistant turn made; null or empty for plain text.</summary>
    public IReadOnlyList<ChatToolCall>? ToolCalls { get; init; }

    /// <summary>For a <c>tool</c> message: the id of the call it answers.</summary>
    public string? ToolCallId { get; init; }

    /// <summary>For a <c>tool</c> message: the function whose result it carries, where the door knows it.</summary>
    public string? Name { get; init; }
}

/// <param name="ArgumentsJson">The arguments as a JSON object's text, exactly as the model wrote them.</param>
public sealed record ChatToolCall(string Id, string Name, string ArgumentsJson);

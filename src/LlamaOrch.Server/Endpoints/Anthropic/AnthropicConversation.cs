using System.Text;
using System.Text.Json;
using LlamaOrch.Contracts.Anthropic;
using LlamaOrch.Core.Admission;
using LlamaOrch.Core.Chat;

namespace LlamaOrch.Server.Endpoints.Anthropic;

/// <summary>
/// A request's conversation flattened into <see cref="ChatMessage"/>s for rendering: <c>system</c> first, text blocks
/// joined, an assistant's <c>tool_use</c> blocks as its <see cref="ChatMessage.ToolCalls"/>, each <c>tool_result</c> as
/// a <c>tool</c> message. A last assistant message that holds only text is a prefill: the answer continues it.
/// </summary>
internal sealed record AnthropicConversation(
    IReadOnlyList<ChatMessage> Messages,
    IReadOnlyList<ChatTool>? Tools,
    ToolChoice Choice,
    string? Prefill)
{
    /// <summary>Anthropic's own limit on a tool name; also keeps names safe inside a grammar.</summary>
    private const int MaxToolNameChars = 128;

    /// <summary>The conversation, or the 400 naming the first field that cannot be served.</summary>
    public static Rejection? Read(MessagesRequest request, out AnthropicConversation? conversation)
    {
        conversation = null;
        var messages = new List<ChatMessage>();
        if (SystemText(request.System, out var system) is { } systemProblem) return systemProblem;
        if (system is { Length: > 0 }) messages.Add(new ChatMessage("system", system));

        if (request.Messages is not { Count: > 0 } turns) return Bad("messages", "required: at least one message");
        var toolNames = new Dictionary<string, string>(StringComparer.Ordinal);
        string? prefill = null;
        for (var index = 0; index < turns.Count; index++)
        {
            var field = $"messages[{index}]";
            if (turns[index] is not { } turn) return Bad(field, "must be an object");
            var last = index == turns.Count - 1;
            var problem = turn.Role switch
            {
                "user" => ReadUser(turn, field, toolNames, messages),
                "assistant" => ReadAssistant(turn, field, last, toolNames, messages, out prefill),
                null => Bad($"{field}.role", "required: user or assistant"),
                "system" => Bad($"{field}.role", "'system' is not a message role here: put the system prompt in the top-level 'system' field"),
                var other => Bad($"{field}.role", $"unknown role '{other}' (expected user or assistant)"),
            };
            if (problem is not null) return problem;
        }

        if (ReadTools(request.Tools, out var tools) is { } toolsProblem) return toolsProblem;
        if (ReadChoice(request.ToolChoice, tools, out var choice) is { } choiceProblem) return choiceProblem;
        conversation = new AnthropicConversation(messages, tools, choice, prefill);
        return null;
    }

    private static Rejection? SystemText(JsonElement? system, out string? text)
    {
        text = null;
        if (system is not { ValueKind: not JsonValueKind.Null } value) return null;
        return TextOf(value, "system", out text);
    }

    private static Rejection? ReadUser(MessageParam turn, string field, Dictionary<string, string> toolNames, List<ChatMessage> messages)
    {
        if (Blocks(turn.Content, field, out var blocks, out var plain) is { } problem) return problem;
        if (IsEmpty(blocks, plain)) return EmptyContent(field);
        if (plain is not null)
        {
            messages.Add(new ChatMessage("user", plain));
            return null;
        }

        var text = new StringBuilder();
        for (var index = 0; index < blocks!.Count; index++)
        {
            var block = blocks[index];
            var where = $"{field}.content[{index}]";
            switch (block.Type)
            {
                case "text":
                    if (string.IsNullOrEmpty(block.Text)) return EmptyText(where, block.Text);
                    Append(text, block.Text);
                    break;
                case "tool_result":
                    if (string.IsNullOrEmpty(block.ToolUseId)) return Bad($"{where}.tool_use_id", "required for a tool_result block");
                    var content = string.Empty;
                    if (block.Content is { ValueKind: not JsonValueKind.Null } resultContent && TextOf(resultContent, $"{where}.content", out content) is { } contentProblem)
                        return contentProblem;
                    // A failed call's result is marked in its text: templates have no field for it.
                    if (block.IsError == true) content = "Error: " + content;
                    messages.Add(new ChatMessage("tool", content)
                    {
                        ToolCallId = block.ToolUseId,
                        Name = toolNames.GetValueOrDefault(block.ToolUseId),
                    });
                    break;
                case "tool_use":
                    return Bad($"{where}.type", "tool_use blocks belong in assistant messages");
                default:
                    return Unsupported(where, block.Type);
            }
        }
        if (text.Length > 0 || messages.Count == 0 || messages[^1].Role != "tool") messages.Add(new ChatMessage("user", text.ToString()));
        return null;
    }

    private static Rejection? ReadAssistant(MessageParam turn, string field, bool last, Dictionary<string, string> toolNames, List<ChatMessage> messages, out string? prefill)
    {
        prefill = null;
        if (Blocks(turn.Content, field, out var blocks, out var plain) is { } problem) return problem;
        if (!last && IsEmpty(blocks, plain)) return EmptyContent(field);
        var text = new StringBuilder(plain);
        var calls = new List<ChatToolCall>();
        for (var index = 0; index < (blocks?.Count ?? 0); index++)
        {
            var block = blocks![index];
            var where = $"{field}.content[{index}]";
            switch (block.Type)
            {
                case "text":
                    if (string.IsNullOrEmpty(block.Text)) return EmptyText(where, block.Text);
                    Append(text, block.Text);
                    break;
                case "tool_use":
                    if (string.IsNullOrEmpty(block.Id)) return Bad($"{where}.id", "required for a tool_use block");
                    if (string.IsNullOrEmpty(block.Name)) return Bad($"{where}.name", "required for a tool_use block");
                    if (block.Input is not { ValueKind: JsonValueKind.Object } input) return Bad($"{where}.input", "required: the call's arguments as a JSON object");
                    calls.Add(new ChatToolCall(block.Id, block.Name, input.GetRawText()));
                    toolNames[block.Id] = block.Name;
                    break;
                case "tool_result":
                    return Bad($"{where}.type", "tool_result blocks belong in user messages");
                default:
                    return Unsupported(where, block.Type);
            }
        }

        if (last && calls.Count == 0)
        {
            // Anthropic's prefill: the answer continues this text (trailing whitespace is not allowed there either).
            prefill = text.ToString().TrimEnd();
            return null;
        }
        if (last) return Bad(field, "a final assistant message is a prefill the answer continues: it may hold text only, not tool_use");
        messages.Add(new ChatMessage("assistant", text.Length > 0 ? text.ToString() : null) { ToolCalls = calls.Count > 0 ? calls : null });
        return null;
    }

    /// <summary>A message's content: a string (<paramref name="plain"/>) or a list of blocks.</summary>
    private static Rejection? Blocks(JsonElement? content, string field, out List<ContentBlockParam>? blocks, out string? plain)
    {
        blocks = null;
        plain = null;
        switch (content?.ValueKind)
        {
            case JsonValueKind.String:
                plain = content.Value.GetString();
                return null;
            case JsonValueKind.Array:
                blocks = new List<ContentBlockParam>(content.Value.GetArrayLength());
                var index = 0;
                foreach (var item in content.Value.EnumerateArray())
                {
                    if (item.ValueKind != JsonValueKind.Object) return Bad($"{field}.content[{index}]", "must be a content block object");
                    ContentBlockParam? block;
                    try
                    {
                        block = item.Deserialize(AnthropicJsonContext.Default.ContentBlockParam);
                    }
                    catch (JsonException)
                    {
                        return Bad($"{field}.content[{index}]", "a field of this block has the wrong JSON type");
                    }
                    if (block?.Type is null) return Bad($"{field}.content[{index}].type", "required");
                    blocks.Add(block);
                    index++;
                }
                return null;
            case null or JsonValueKind.Null:
                return Bad($"{field}.content", "required: a string or a list of content blocks");
            default:
                return Bad($"{field}.content", "must be a string or a list of content blocks");
        }
    }

    /// <summary>A string, or a list of text blocks joined (the shape of <c>system</c> and of a <c>tool_result</c>'s content).</summary>
    private static Rejection? TextOf(JsonElement value, string field, out string? text)
    {
        text = null;
        if (value.ValueKind == JsonValueKind.String)
        {
            text = value.GetString();
            return null;
        }
        if (value.ValueKind != JsonValueKind.Array) return Bad(field, "must be a string or a list of text blocks");
        var joined = new StringBuilder();
        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            var where = $"{field}[{index++}]";
            if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
                return Bad(where, "must be a block object with a type");
            if (type.GetString() != "text") return Unsupported(where, type.GetString());
            if (!item.TryGetProperty("text", out var part) || part.ValueKind != JsonValueKind.String) return Bad($"{where}.text", "required for a text block");
            Append(joined, part.GetString()!);
        }
        text = joined.ToString();
        return null;
    }

    private static Rejection? ReadTools(List<ToolParam>? offered, out IReadOnlyList<ChatTool>? tools)
    {
        tools = null;
        if (offered is not { Count: > 0 }) return null;
        var read = new List<ChatTool>(offered.Count);
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var index = 0; index < offered.Count; index++)
        {
            var field = $"tools[{index}]";
            if (offered[index] is not { } tool) return Bad(field, "must be an object");
            if (tool.Type is not (null or "custom"))
                return Bad($"{field}.type", $"'{tool.Type}' is one of Anthropic's server tools, which this server does not run; describe a client tool (name, description, input_schema)");
            if (string.IsNullOrEmpty(tool.Name) || tool.Name.Length > MaxToolNameChars || !tool.Name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
                return Bad($"{field}.name", $"required: 1 to {MaxToolNameChars} characters of letters, digits, '_' and '-'");
            if (!names.Add(tool.Name)) return Bad($"{field}.name", $"'{tool.Name}' is offered twice");
            if (tool.InputSchema is not { ValueKind: JsonValueKind.Object } schema) return Bad($"{field}.input_schema", "required: a JSON Schema object");
            read.Add(new ChatTool(tool.Name, tool.Description, schema.Clone()));
        }
        tools = read;
        return null;
    }

    private static Rejection? ReadChoice(ToolChoiceParam? choice, IReadOnlyList<ChatTool>? tools, out ToolChoice read)
    {
        read = ToolChoice.Auto;
        if (choice is null) return null;
        switch (choice.Type)
        {
            case "auto":
                return null;
            case "none":
                read = ToolChoice.None;
                return null;
            case "any":
                if (tools is null) return Bad("tool_choice", "'any' needs tools to choose from");
                read = ToolChoice.Required;
                return null;
            case "tool":
                if (string.IsNullOrEmpty(choice.Name)) return Bad("tool_choice.name", "required when tool_choice.type is tool");
                if (tools?.Any(t => t.Name == choice.Name) != true) return Bad("tool_choice.name", $"'{choice.Name}' is not among the tools offered");
                read = ToolChoice.Function(choice.Name);
                return null;
            case null:
                return Bad("tool_choice.type", "required (auto|any|tool|none)");
            default:
                return Bad("tool_choice.type", $"unknown value '{choice.Type}' (expected auto|any|tool|none)");
        }
    }

    private static void Append(StringBuilder text, string part)
    {
        if (text.Length > 0) text.Append('\n');
        text.Append(part);
    }

    private static bool IsEmpty(List<ContentBlockParam>? blocks, string? plain) => plain is { Length: 0 } || blocks is { Count: 0 };

    // As Anthropic refuses them: a client built against this door must not meet a 400 there that it never met here.
    private static Rejection EmptyContent(string field) =>
        Bad($"{field}.content", "must not be empty: every message needs content, except a final assistant message (a prefill)");

    private static Rejection EmptyText(string where, string? text) =>
        text is null ? Bad($"{where}.text", "required for a text block") : Bad($"{where}.text", "text content blocks must be non-empty");

    private static Rejection Unsupported(string where, string? type) => type switch
    {
        "image" or "document" => Bad($"{where}.type", $"{type} blocks are not supported: the models served here read text only; send the content as text"),
        _ => Bad($"{where}.type", $"'{type}' blocks are not supported (text, tool_use and tool_result are)"),
    };

    private static Rejection Bad(string field, string problem) => Rejection.InvalidParams(field, problem);
}

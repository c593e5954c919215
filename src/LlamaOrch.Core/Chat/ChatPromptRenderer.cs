using System.Collections.Concurrent;
using System.Text.Json;
using LlamaOrch.Core.Chat.Jinja;

namespace LlamaOrch.Core.Chat;

/// <summary>
/// Renders a conversation into the prompt a completion model continues, with the model's own Jinja template
/// (<c>tokenizer.chat_template</c>). A model without a template, or with one this renderer cannot parse, is
/// rendered with the documented ChatML fallback (<see cref="ChatMlFallback"/>), so every completion model can chat.
/// </summary>
public static class ChatPromptRenderer
{
    // Turn-end markers of the common families; a template's stop strings are those of these it writes.
    private static readonly string[] TurnEnds =
        ["<|im_end|>", "<|eot_id|>", "<|eom_id|>", "<|end|>", "<|endoftext|>", "<end_of_turn>", "<|end_of_text|>", "</s>"];

    private const int MaxCachedTemplates = 32;
    private static readonly ConcurrentDictionary<string, JinjaTemplate?> Parsed = new(StringComparer.Ordinal);
    private static readonly Lazy<JinjaTemplate> Fallback = new(() => JinjaTemplate.Parse(ChatMlFallback.Template));

    /// <exception cref="ChatTemplateException">The model's template cannot render these messages.</exception>
    public static ChatPrompt Render(ChatTemplateFacts? facts, IReadOnlyList<ChatMessage> messages, IReadOnlyList<ChatTool>? tools, bool addGenerationPrompt = true) =>
        Render(facts, messages, tools, addGenerationPrompt, now: null);

    /// <param name="now">The clock <c>strftime_now</c> reads (tests pin it); the local time when null.</param>
    /// <exception cref="ChatTemplateException">The model's template cannot render these messages.</exception>
    public static ChatPrompt Render(ChatTemplateFacts? facts, IReadOnlyList<ChatMessage> messages, IReadOnlyList<ChatTool>? tools, bool addGenerationPrompt, Func<DateTimeOffset>? now)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var variables = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["messages"] = messages.Select(message => (object?)ToValue(message)).ToList(),
            ["tools"] = tools is { Count: > 0 } ? tools.Select(ToValue).ToList() : null,
            ["add_generation_prompt"] = addGenerationPrompt,
            ["bos_token"] = facts?.BosToken ?? "",
            ["eos_token"] = facts?.EosToken ?? "",
        };

        var template = facts?.Template is { Length: > 0 } text ? ParseOrNull(text) : null;
        if (template is null)
            return new ChatPrompt(Fallback.Value.Render(variables, now: now), ToolCallFormat.Hermes, ["<|im_end|>"], UsedFallback: true);
        var prompt = template.Render(variables, now: now);
        // The engine's tokenizer adds BOS itself (as llama-server's does); a BOS the template wrote would be doubled,
        // so it goes, as llama.cpp's own chat code strips it.
        if (facts!.BosToken is { Length: > 0 } bos && prompt.StartsWith(bos, StringComparison.Ordinal)) prompt = prompt[bos.Length..];
        return new ChatPrompt(prompt, DetectToolCallFormat(facts.Template!), DetectStops(facts.Template!, facts.EosToken), UsedFallback: false);
    }

    /// <summary>How the template's family writes tool calls: Hermes <c>&lt;tool_call&gt;</c> unless it is a Llama 3 template.</summary>
    public static ToolCallFormat DetectToolCallFormat(string template)
    {
        ArgumentNullException.ThrowIfNull(template);
        if (template.Contains("<tool_call>", StringComparison.Ordinal)) return ToolCallFormat.Hermes;
        if (template.Contains("<|start_header_id|>", StringComparison.Ordinal) || template.Contains("<|eot_id|>", StringComparison.Ordinal)
            || template.Contains("<|python_tag|>", StringComparison.Ordinal)) return ToolCallFormat.Llama3Json;
        return ToolCallFormat.Hermes;
    }

    /// <summary>The turn-end markers the template writes, then the end-of-sequence text.</summary>
    public static IReadOnlyList<string> DetectStops(string template, string? eosToken)
    {
        ArgumentNullException.ThrowIfNull(template);
        var stops = TurnEnds.Where(end => template.Contains(end, StringComparison.Ordinal)).ToList();
        if (!string.IsNullOrEmpty(eosToken) && !stops.Contains(eosToken)) stops.Add(eosToken);
        return stops;
    }

    /// <summary>Null for a template this renderer cannot parse: such a model is rendered with the fallback, not refused.</summary>
    private static JinjaTemplate? ParseOrNull(string text)
    {
        if (Parsed.TryGetValue(text, out var cached)) return cached;
        JinjaTemplate? template;
        try
        {
            template = JinjaTemplate.Parse(text);
        }
        catch (ChatTemplateException)
        {
            template = null;
        }
        if (Parsed.Count >= MaxCachedTemplates) Parsed.Clear();
        Parsed[text] = template;
        return template;
    }

    private static Dictionary<string, object?> ToValue(ChatMessage message)
    {
        var value = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["role"] = message.Role,
            ["content"] = message.Content,
        };
        if (message.ToolCalls is { Count: > 0 } calls)
        {
            value["tool_calls"] = calls.Select(call => (object?)new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["id"] = call.Id,
                ["type"] = "function",
                ["function"] = new Dictionary<string, object?>(StringComparer.Ordinal)
                {
                    ["name"] = call.Name,
                    ["arguments"] = ParseArguments(call.ArgumentsJson),
                },
            }).ToList();
        }
        if (message.ToolCallId is not null) value["tool_call_id"] = message.ToolCallId;
        if (message.Name is not null) value["name"] = message.Name;
        return value;
    }

    /// <summary>HF templates expect the arguments as an object (they write it with <c>tojson</c>); text that is not JSON stays text.</summary>
    private static object? ParseArguments(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return JinjaJson.FromElement(document.RootElement);
        }
        catch (JsonException)
        {
            return json;
        }
    }

    private static object? ToValue(ChatTool tool)
    {
        var function = new Dictionary<string, object?>(StringComparer.Ordinal) { ["name"] = tool.Name };
        if (tool.Description is not null) function["description"] = tool.Description;
        function["parameters"] = tool.Parameters.ValueKind == JsonValueKind.Undefined
            ? new Dictionary<string, object?>(StringComparer.Ordinal) { ["type"] = "object", ["properties"] = new Dictionary<string, object?>() }
            : JinjaJson.FromElement(tool.Parameters);
        return new Dictionary<string, object?>(StringComparer.Ordinal) { ["type"] = "function", ["function"] = function };
    }
}

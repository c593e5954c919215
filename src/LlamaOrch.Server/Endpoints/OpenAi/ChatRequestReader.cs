using System.Text;
using System.Text.Json;
using LlamaOrch.Contracts.OpenAi;
using LlamaOrch.Core.Admission;
using LlamaOrch.Core.Chat;

namespace LlamaOrch.Server.Endpoints.OpenAi;

/// <summary>
/// Reads a <see cref="ChatCompletionRequest"/> into a <see cref="ChatRequest"/>: messages flattened to text, tools and
/// tool_choice checked against each other, <c>response_format</c> turned into a grammar, and every member we cannot
/// honour refused by name.
/// </summary>
internal static class ChatRequestReader
{
    private static readonly JsonElement NoParameters = JsonDocument.Parse("""{"type":"object","properties":{}}""").RootElement.Clone();

    public static Rejection? Read(ChatCompletionRequest request, out ChatRequest chat)
    {
        chat = null!;
        if (Unsupported(request) is { } unsupported) return unsupported;
        if (request.Messages is not { Count: > 0 } bodies) return Rejection.InvalidParams("messages", "required: at least one message");

        var messages = new List<ChatMessage>(bodies.Count);
        var callNames = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < bodies.Count; i++)
        {
            if (ReadMessage(bodies[i], i, callNames, out var message) is { } bad) return bad;
            messages.Add(message);
        }

        if (ReadTools(request.Tools, out var tools) is { } badTools) return badTools;
        if (ReadToolChoice(request.ToolChoice, tools, out var choice) is { } badChoice) return badChoice;
        if (OpenAiTaskFields.ReadStop(request.Stop, out var stop) is { } badStop) return badStop;
        if (ReadResponseFormat(request.ResponseFormat, out var grammar) is { } badFormat) return badFormat;
        if (grammar is not null && tools.Count > 0 && choice.Mode is ToolChoiceMode.Required or ToolChoiceMode.Named)
            return Rejection.InvalidParams("response_format", "cannot be combined with a forced tool call (tool_choice required or a named function): both constrain the whole answer");

        chat = new ChatRequest(messages, tools, choice, stop, grammar, request.MaxCompletionTokens ?? request.MaxTokens,
            request.Stream ?? false, request.StreamOptions?.IncludeUsage ?? false);
        return null;
    }

    private static Rejection? Unsupported(ChatCompletionRequest request)
    {
        if (request.N is { } n && n != 1) return Rejection.InvalidParams("n", $"{n} is not supported: one choice per request (send n = 1, or several requests)");
        if (request.Logprobs == true || request.TopLogprobs is not null) return Rejection.InvalidParams("logprobs", "log probabilities are not supported");
        if (request.Audio is { ValueKind: not JsonValueKind.Null }) return Rejection.InvalidParams("audio", "audio output is not supported");
        if (request.Modalities is { ValueKind: JsonValueKind.Array } modalities
            && modalities.EnumerateArray().Any(m => m.ValueKind != JsonValueKind.String || m.GetString() != "text"))
            return Rejection.InvalidParams("modalities", "only [\"text\"] is supported");
        if (request.Prediction is { ValueKind: not JsonValueKind.Null }) return Rejection.InvalidParams("prediction", "predicted outputs are not supported");
        if (request.LogitBias is { ValueKind: JsonValueKind.Object } bias && bias.EnumerateObject().Any())
            return Rejection.InvalidParams("logit_bias", "is not supported");
        if (request.FrequencyPenalty is { } frequency && frequency != 0) return Rejection.InvalidParams("frequency_penalty", "is not supported (only 0)");
        if (request.PresencePenalty is { } presence && presence != 0) return Rejection.InvalidParams("presence_penalty", "is not supported (only 0)");
        if (request.Functions is { ValueKind: not JsonValueKind.Null }) return Rejection.InvalidParams("functions", "the legacy functions are not supported; send tools");
        return null;
    }

    private static Rejection? ReadMessage(ChatMessageBody? body, int i, Dictionary<string, string> callNames, out ChatMessage message)
    {
        message = null!;
        var where = $"messages[{i}]";
        if (body is null) return Rejection.InvalidParams(where, "must be a message object, not null");
        var role = body.Role switch
        {
            "system" or "developer" => "system",
            "user" or "assistant" or "tool" => body.Role,
            null => null,
            _ => string.Empty,
        };
        if (role is null) return Rejection.InvalidParams($"{where}.role", "required: system, developer, user, assistant or tool");
        if (role.Length == 0) return Rejection.InvalidParams($"{where}.role", $"'{body.Role}' is not supported: system, developer, user, assistant or tool");
        if (ReadContent(body.Content, where, out var content) is { } badContent) return badContent;

        List<ChatToolCall>? calls = null;
        if (body.ToolCalls is { Count: > 0 } toolCalls)
        {
            if (role != "assistant") return Rejection.InvalidParams($"{where}.tool_calls", "only an assistant message has tool calls");
            calls = new List<ChatToolCall>(toolCalls.Count);
            for (var j = 0; j < toolCalls.Count; j++)
            {
                var call = toolCalls[j];
                if (call?.Id is not { Length: > 0 } id || call.Function?.Name is not { Length: > 0 } name)
                    return Rejection.InvalidParams($"{where}.tool_calls[{j}]", "needs an id and function.name");
                calls.Add(new ChatToolCall(id, name, call.Function.Arguments ?? "{}"));
                callNames[id] = name;
            }
        }
        if (content is null && calls is null) return Rejection.InvalidParams($"{where}.content", "required (only an assistant message that calls tools may leave it out)");

        string? toolCallId = null;
        string? functionName = body.Name;
        if (role == "tool")
        {
            if (body.ToolCallId is not { Length: > 0 } answered) return Rejection.InvalidParams($"{where}.tool_call_id", "required in a tool message");
            toolCallId = answered;
            functionName ??= callNames.GetValueOrDefault(answered);
        }
        message = new ChatMessage(role, content) { ToolCalls = calls, ToolCallId = toolCallId, Name = functionName };
        return null;
    }

    /// <summary>A string, or an array of text parts (joined); an image, audio or file part is refused.</summary>
    private static Rejection? ReadContent(JsonElement? content, string where, out string? text)
    {
        text = null;
        if (content is not { } value || value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind == JsonValueKind.String)
        {
            text = value.GetString();
            return null;
        }
        if (value.ValueKind != JsonValueKind.Array) return Rejection.InvalidParams($"{where}.content", "must be a string or an array of content parts");
        var joined = new StringBuilder();
        var index = 0;
        foreach (var part in value.EnumerateArray())
        {
            var type = part.ValueKind == JsonValueKind.Object && part.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            if (type == "text" && part.TryGetProperty("text", out var partText) && partText.ValueKind == JsonValueKind.String)
                joined.Append(partText.GetString());
            else if (type is "image_url" or "input_image" or "image")
                return Rejection.InvalidParams($"{where}.content[{index}]", "image parts are not supported: the models served here read text only");
            else if (type is "input_audio" or "file" or "refusal")
                return Rejection.InvalidParams($"{where}.content[{index}]", $"'{type}' parts are not supported: send text parts");
            else
                return Rejection.InvalidParams($"{where}.content[{index}]", "must be a text part {\"type\":\"text\",\"text\":\"…\"}");
            index++;
        }
        text = joined.ToString();
        return null;
    }

    private static Rejection? ReadTools(List<ToolBody>? bodies, out List<ChatTool> tools)
    {
        tools = [];
        for (var i = 0; i < (bodies?.Count ?? 0); i++)
        {
            var tool = bodies![i];
            if (tool is null) return Rejection.InvalidParams($"tools[{i}]", "must be a tool object, not null");
            if (tool.Type != "function") return Rejection.InvalidParams($"tools[{i}].type", "only 'function' tools are supported");
            if (tool.Function?.Name is not { Length: > 0 } name) return Rejection.InvalidParams($"tools[{i}].function.name", "required");
            var parameters = tool.Function.Parameters is { ValueKind: JsonValueKind.Object } schema ? schema : NoParameters;
            if (tools.Any(t => t.Name == name)) return Rejection.InvalidParams($"tools[{i}].function.name", $"'{name}' is offered twice");
            tools.Add(new ChatTool(name, tool.Function.Description, parameters));
        }
        return null;
    }

    private static Rejection? ReadToolChoice(JsonElement? body, List<ChatTool> tools, out ToolChoice choice)
    {
        choice = tools.Count > 0 ? ToolChoice.Auto : ToolChoice.None;
        if (body is not { } value || value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind == JsonValueKind.String)
        {
            switch (value.GetString())
            {
                case "auto": choice = tools.Count > 0 ? ToolChoice.Auto : ToolChoice.None; return null;
                case "none": choice = ToolChoice.None; return null;
                case "required" when tools.Count > 0: choice = ToolChoice.Required; return null;
                case "required": return Rejection.InvalidParams("tool_choice", "'required' needs tools");
                default: return Rejection.InvalidParams("tool_choice", "must be auto, none, required or {\"type\":\"function\",\"function\":{\"name\":…}}");
            }
        }
        if (value.ValueKind == JsonValueKind.Object && value.TryGetProperty("function", out var function)
            && function.ValueKind == JsonValueKind.Object && function.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String)
        {
            var named = name.GetString()!;
            if (!tools.Any(t => t.Name == named)) return Rejection.InvalidParams("tool_choice", $"names function '{named}', which tools does not offer");
            choice = ToolChoice.Function(named);
            return null;
        }
        return Rejection.InvalidParams("tool_choice", "must be auto, none, required or {\"type\":\"function\",\"function\":{\"name\":…}}");
    }

    private static Rejection? ReadResponseFormat(ResponseFormatBody? format, out string? grammar)
    {
        grammar = null;
        switch (format?.Type)
        {
            case null or "text":
                return null;
            case "json_object":
                grammar = JsonSchemaGrammar.AnyObject();
                return null;
            case "json_schema":
                if (format.JsonSchema?.Schema is not { ValueKind: JsonValueKind.Object } schema)
                    return Rejection.InvalidParams("response_format.json_schema.schema", "required: a JSON Schema object");
                try
                {
                    grammar = JsonSchemaGrammar.FromSchema(schema);
                }
                catch (JsonSchemaGrammarException error)
                {
                    return Rejection.InvalidParams("response_format.json_schema.schema", error.Message);
                }
                return null;
            default:
                return Rejection.InvalidParams("response_format.type", $"'{format.Type}' is not supported: text, json_object or json_schema");
        }
    }
}

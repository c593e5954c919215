using System.Text.Json;

namespace LlamaOrch.Core.Chat;

/// <summary>Grammars that force a tool call in a template family's own format.</summary>
/// <remarks>
/// Hermes: <c>&lt;tool_call&gt;\n{"name": "f", "arguments": {…}}\n&lt;/tool_call&gt;</c>; required allows up to
/// <see cref="MaxRequiredCalls"/> such elements separated by a newline, a named choice exactly one. Llama 3: the bare
/// object <c>{"name": "f", "parameters": {…}}</c>, one call. The arguments follow each function's parameters schema
/// (<see cref="JsonSchemaGrammar"/>'s rules and limits).
/// </remarks>
public static class ToolCallGrammar
{
    /// <summary>How many calls a forced <c>required</c> answer may hold (a bound, so a model cannot loop on calls).</summary>
    public const int MaxRequiredCalls = 8;

    /// <summary>
    /// The grammar for <paramref name="choice"/>: one call (or more, for <see cref="ToolChoiceMode.Required"/>) of the
    /// offered functions, arguments valid against each function's schema; null for auto and none, which constrain nothing.
    /// </summary>
    /// <exception cref="JsonSchemaGrammarException">A function's parameters schema cannot be expressed.</exception>
    /// <exception cref="ArgumentException">
    /// The choice cannot be forced: it names a function that is not among <paramref name="tools"/>, or it is
    /// <c>required</c> with no tools. Client input, so a door answers 400 with the message (OpenAI's invalid <c>tool_choice</c>).
    /// </exception>
    public static string? For(ToolCallFormat format, IReadOnlyList<ChatTool> tools, ToolChoice choice)
    {
        if (choice.Mode is ToolChoiceMode.Auto or ToolChoiceMode.None) return null;

        IReadOnlyList<ChatTool> callable = tools;
        if (choice.Mode == ToolChoiceMode.Named)
        {
            var named = tools.FirstOrDefault(t => t.Name == choice.Name)
                ?? throw new ArgumentException(
                    $"tool_choice names the function '{choice.Name}', which is not among the tools offered " +
                    $"({(tools.Count == 0 ? "none" : string.Join(", ", tools.Select(t => t.Name)))})",
                    nameof(choice));
            callable = [named];
        }
        else if (tools.Count == 0)
        {
            throw new ArgumentException("tool_choice is required, but no tools are offered", nameof(choice));
        }

        var rules = new GbnfRules();
        var argumentsKey = format == ToolCallFormat.Hermes ? "arguments" : "parameters";
        var calls = new List<string>();
        for (var i = 0; i < callable.Count; i++)
        {
            var tool = callable[i];
            var schema = tool.Parameters.ValueKind == JsonValueKind.Undefined || tool.Parameters.ValueKind == JsonValueKind.Null
                ? EmptyObjectSchema
                : tool.Parameters;
            JsonSchemaToGbnf converter = new(rules, schema, $"tool-{i}-");
            string arguments;
            try
            {
                arguments = converter.Visit(schema, "#", $"tool-{i}-arguments");
            }
            catch (JsonSchemaGrammarException error)
            {
                throw new JsonSchemaGrammarException($"the parameters of function '{tool.Name}': {error.Message}");
            }
            var head = GbnfRules.Literal($"{{\"name\": \"{JsonEncodedText.Encode(tool.Name)}\", \"{argumentsKey}\": ");
            calls.Add(rules.Add($"tool-{i}-call", $"{head} {arguments} \"}}\""));
        }

        var call = calls.Count == 1 ? calls[0] : rules.Add("tool-call-object", string.Join(" | ", calls));
        if (format == ToolCallFormat.Llama3Json)
        {
            rules.SetRoot(call);
            return rules.Build();
        }

        var element = rules.Add("tool-call", $"\"<tool_call>\\n\" {call} \"\\n</tool_call>\"");
        rules.SetRoot(choice.Mode == ToolChoiceMode.Required
            ? $"{element} ( \"\\n\" {element} ){{0,{MaxRequiredCalls - 1}}}"
            : element);
        return rules.Build();
    }

    private static readonly JsonElement EmptyObjectSchema =
        JsonDocument.Parse("""{"type":"object","properties":{}}""").RootElement.Clone();
}

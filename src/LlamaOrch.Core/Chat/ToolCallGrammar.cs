namespace LlamaOrch.Core.Chat;

/// <summary>Grammars that force a tool call in a template family's own format.</summary>
public static class ToolCallGrammar
{
    /// <summary>
    /// The grammar for <paramref name="choice"/>: one call (or more, for <see cref="ToolChoiceMode.Required"/>) of the
    /// offered functions, arguments valid against each function's schema; null for auto and none, which constrain nothing.
    /// </summary>
    /// <exception cref="JsonSchemaGrammarException">A function's parameters schema cannot be expressed.</exception>
    public static string? For(ToolCallFormat format, IReadOnlyList<ChatTool> tools, ToolChoice choice) => throw new NotImplementedException("chat-grammar");
}

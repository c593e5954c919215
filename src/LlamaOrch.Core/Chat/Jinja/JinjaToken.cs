namespace LlamaOrch.Core.Chat.Jinja;

internal enum JinjaTokenKind
{
    Text,
    VarBegin,
    VarEnd,
    BlockBegin,
    BlockEnd,
    Name,
    String,
    Number,
    Operator,
    End,
}

/// <param name="Value">The text of a Text, Name, String or Operator token; the long or double of a Number.</param>
internal readonly record struct JinjaToken(JinjaTokenKind Kind, object? Value, int Line)
{
    public string Text => Value as string ?? "";

    public bool Is(JinjaTokenKind kind, string text) => Kind == kind && Text == text;

    public bool IsName(string name) => Is(JinjaTokenKind.Name, name);

    public bool IsOperator(string op) => Is(JinjaTokenKind.Operator, op);
}

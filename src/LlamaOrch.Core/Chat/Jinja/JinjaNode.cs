namespace LlamaOrch.Core.Chat.Jinja;

/// <summary>A statement of a parsed template: text, an output, or a control tag with its bodies.</summary>
internal abstract record JinjaNode
{
    public sealed record Text(string Value) : JinjaNode;

    public sealed record Output(JinjaExpr Value) : JinjaNode;

    public sealed record If(IReadOnlyList<(JinjaExpr Condition, IReadOnlyList<JinjaNode> Body)> Branches, IReadOnlyList<JinjaNode> Else) : JinjaNode;

    public sealed record For(IReadOnlyList<string> Targets, JinjaExpr Iterable, JinjaExpr? Filter, IReadOnlyList<JinjaNode> Body, IReadOnlyList<JinjaNode> Else) : JinjaNode;

    /// <summary><c>set x = …</c>, <c>set a, b = …</c>, <c>set ns.attr = …</c> (Namespace set), or a block set (Body).</summary>
    public sealed record Set(IReadOnlyList<string> Targets, string? Attribute, JinjaExpr? Value, IReadOnlyList<JinjaNode>? Body) : JinjaNode;

    public sealed record Macro(string Name, IReadOnlyList<(string Name, JinjaExpr? Default)> Parameters, IReadOnlyList<JinjaNode> Body) : JinjaNode;

    /// <summary>A body rendered as is: <c>generation</c> (transformers' assistant-mask extension) has no effect on the text.</summary>
    public sealed record Block(IReadOnlyList<JinjaNode> Body) : JinjaNode;

    public sealed record Break : JinjaNode;

    public sealed record Continue : JinjaNode;
}

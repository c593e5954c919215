namespace LlamaOrch.Core.Chat.Jinja;

/// <summary>An expression of a parsed template.</summary>
internal abstract record JinjaExpr
{
    public sealed record Literal(object? Value) : JinjaExpr;

    public sealed record Variable(string Identifier) : JinjaExpr;

    public sealed record List(IReadOnlyList<JinjaExpr> Items) : JinjaExpr;

    public sealed record Dict(IReadOnlyList<(JinjaExpr Key, JinjaExpr Value)> Items) : JinjaExpr;

    public sealed record Attribute(JinjaExpr Target, string Name) : JinjaExpr;

    public sealed record Item(JinjaExpr Target, JinjaExpr Key) : JinjaExpr;

    public sealed record Slice(JinjaExpr Target, JinjaExpr? Start, JinjaExpr? Stop, JinjaExpr? Step) : JinjaExpr;

    public sealed record Call(JinjaExpr Callee, JinjaCallArguments Arguments) : JinjaExpr;

    public sealed record Filter(JinjaExpr Value, string Name, JinjaCallArguments Arguments) : JinjaExpr;

    public sealed record Test(JinjaExpr Value, string Name, JinjaCallArguments Arguments, bool Negated) : JinjaExpr;

    public sealed record Unary(string Operator, JinjaExpr Operand) : JinjaExpr;

    /// <summary>Arithmetic, <c>~</c>, comparisons, <c>in</c>/<c>not in</c>, <c>and</c>/<c>or</c> (short-circuit).</summary>
    public sealed record Binary(string Operator, JinjaExpr Left, JinjaExpr Right) : JinjaExpr;

    public sealed record Conditional(JinjaExpr Condition, JinjaExpr Then, JinjaExpr? Else) : JinjaExpr;
}

internal sealed record JinjaCallArguments(IReadOnlyList<JinjaExpr> Positional, IReadOnlyList<(string Name, JinjaExpr Value)> Named)
{
    public static JinjaCallArguments None { get; } = new([], []);
}

namespace LlamaOrch.Core.Chat.Jinja;

/// <summary>
/// A chat template parsed once, rendered many times: the subset of Jinja that published chat templates use
/// (see docs/chat-templates.md), with Jinja's trim_blocks and lstrip_blocks on as transformers sets them.
/// </summary>
public sealed class JinjaTemplate
{
    private readonly IReadOnlyList<JinjaNode> _nodes;

    private JinjaTemplate(IReadOnlyList<JinjaNode> nodes) => _nodes = nodes;

    /// <exception cref="ChatTemplateException">The text is not a template this renderer understands.</exception>
    public static JinjaTemplate Parse(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return new JinjaTemplate(JinjaParser.Parse(source));
    }

    /// <summary>
    /// Renders with <paramref name="variables"/> (values: null, bool, long, double, string,
    /// <c>List&lt;object?&gt;</c>, <c>Dictionary&lt;string, object?&gt;</c>).
    /// </summary>
    /// <exception cref="ChatTemplateException">The template failed, raised an exception itself, or ran past <paramref name="limits"/>.</exception>
    public string Render(IReadOnlyDictionary<string, object?> variables, JinjaLimits? limits = null, Func<DateTimeOffset>? now = null)
    {
        ArgumentNullException.ThrowIfNull(variables);
        return JinjaEvaluator.Render(_nodes, variables, limits ?? JinjaLimits.Default, now ?? (() => DateTimeOffset.Now));
    }
}

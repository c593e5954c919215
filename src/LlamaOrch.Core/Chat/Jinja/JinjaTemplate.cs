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
        var values = variables.ToDictionary(p => p.Key, p => Normalize(p.Value, 0), StringComparer.Ordinal);
        return JinjaEvaluator.Render(_nodes, values, limits ?? JinjaLimits.Default, now ?? (() => DateTimeOffset.Now));
    }

    /// <summary>Brings a caller's values into the evaluator's few shapes (ints to long, any list or string-keyed dictionary to ours).</summary>
    private static object? Normalize(object? value, int depth)
    {
        if (depth > 64) throw new ChatTemplateException("chat template error: variables nested too deeply");
        return value switch
        {
            null or bool or long or double or string or JinjaUndefined => value,
            int or short or byte or uint or ushort or sbyte => Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture),
            float or decimal => Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture),
            System.Text.Json.JsonElement element => JinjaJson.FromElement(element),
            IEnumerable<KeyValuePair<string, object?>> pairs => pairs.ToDictionary(p => p.Key, p => Normalize(p.Value, depth + 1), StringComparer.Ordinal),
            System.Collections.IEnumerable items => items.Cast<object?>().Select(item => Normalize(item, depth + 1)).ToList(),
            _ => throw new ArgumentException($"a template variable cannot be a {value.GetType().Name}", nameof(value)),
        };
    }
}

using System.Globalization;
using System.Net;

namespace LlamaOrch.Core.Chat.Jinja;

internal sealed partial class JinjaEvaluator
{
    private object? ApplyFilter(string name, object? value, JinjaCallArguments arguments)
    {
        var (args, named) = EvalArguments(arguments);
        object? Arg(int index, string key, object? fallback = null) =>
            index < args.Count ? args[index] : named.TryGetValue(key, out var v) ? v : fallback;

        switch (name)
        {
            case "trim":
                return Arg(0, "chars") is string chars ? JinjaValues.ToText(value).Trim(chars.ToCharArray()) : JinjaValues.ToText(value).Trim();
            case "tojson":
                var indent = Arg(0, "indent");
                return JinjaJson.Serialize(value, indent is null or JinjaUndefined ? null : (int)JinjaValues.ToLong(indent), _limits.MaxOutputChars);
            case "length" or "count":
                return JinjaValues.Length(value);
            case "upper":
                return JinjaValues.ToText(value).ToUpperInvariant();
            case "lower":
                return JinjaValues.ToText(value).ToLowerInvariant();
            case "capitalize":
                return Capitalize(JinjaValues.ToText(value));
            case "title":
                return Title(JinjaValues.ToText(value));
            case "default" or "d":
                var useOnFalsy = JinjaValues.IsTruthy(Arg(1, "boolean", false));
                return value is JinjaUndefined || (useOnFalsy && !JinjaValues.IsTruthy(value)) ? Arg(0, "default_value", "") : value;
            case "join":
                var separator = JinjaValues.ToText(Arg(0, "d", ""));
                var items = JinjaValues.Iterate(value);
                if (Arg(1, "attribute") is string joinAttribute) items = items.Select(i => AttributePath(i, joinAttribute)).ToList();
                CountIterations(items.Count);
                return CheckSize(string.Join(separator, items.Select(JinjaValues.ToText)));
            case "first":
                return value is string s0 ? (s0.Length > 0 ? s0[..1] : JinjaUndefined.Instance) : JinjaValues.Iterate(value).FirstOrDefault(JinjaUndefined.Instance);
            case "last":
                return value is string s1 ? (s1.Length > 0 ? s1[^1..] : JinjaUndefined.Instance) : JinjaValues.Iterate(value).LastOrDefault(JinjaUndefined.Instance);
            case "items":
                return value switch
                {
                    Dictionary<string, object?> dict => CheckSize(dict.Select(p => (object?)new List<object?> { p.Key, p.Value }).ToList()),
                    JinjaUndefined or null => new List<object?>(),
                    _ => throw new ChatTemplateException($"chat template error: items needs a mapping, not {JinjaValues.TypeName(value)}"),
                };
            case "string":
                return JinjaValues.ToText(value);
            case "replace":
                return Replace(JinjaValues.ToText(value), JinjaValues.ToText(Arg(0, "old")), JinjaValues.ToText(Arg(1, "new")), Arg(2, "count"));
            case "list":
                return CheckSize(JinjaValues.Iterate(value).ToList());
            case "reverse":
                return value is string text ? new string(text.Reverse().ToArray()) : JinjaValues.Iterate(value).AsEnumerable().Reverse().ToList();
            case "unique":
                var unique = new List<object?>();
                foreach (var item in JinjaValues.Iterate(value))
                    if (!unique.Any(u => JinjaValues.AreEqual(u, item))) unique.Add(item);
                return unique;
            case "sum":
                return JinjaValues.Iterate(value).Aggregate(Arg(1, "start", 0L), (acc, item) => Arithmetic("+", acc, Arg(0, "attribute") is string a ? AttributePath(item, a) : item));
            case "selectattr" or "rejectattr":
                return SelectAttribute(value, args, name == "selectattr");
            case "select" or "reject":
                return JinjaValues.Iterate(value).Where(item =>
                    (args.Count == 0 ? JinjaValues.IsTruthy(item) : ApplyTest(JinjaValues.ToText(args[0]), item, args.Skip(1).ToList())) == (name == "select")).ToList();
            case "map":
                return Map(value, args, named);
            case "safe":
                return value;
            case "escape" or "e":
                return WebUtility.HtmlEncode(JinjaValues.ToText(value));
            case "int":
                return ToInt(value, Arg(0, "default", 0L));
            case "float":
                return value is string f && double.TryParse(f, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) ? parsed
                    : JinjaValues.IsNumber(value) ? JinjaValues.ToDouble(value) : Arg(0, "default", 0.0);
            case "abs":
                return value is long l ? Math.Abs(l) : Math.Abs(JinjaValues.ToDouble(value));
            case "indent":
                return Indent(JinjaValues.ToText(value), Arg(0, "width", 4L), JinjaValues.IsTruthy(Arg(1, "first", false)));
            default:
                throw new ChatTemplateException($"chat template error: unknown filter '{name}'");
        }
    }

    private static object? AttributePath(object? item, string path)
    {
        foreach (var part in path.Split('.'))
            item = long.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out var index) && item is List<object?> ? GetItem(item, index) : GetAttribute(item, part);
        return item;
    }

    private List<object?> SelectAttribute(object? value, List<object?> args, bool select)
    {
        if (args.Count == 0 || args[0] is not string attribute) throw new ChatTemplateException("chat template error: selectattr/rejectattr need an attribute name");
        var result = new List<object?>();
        foreach (var item in JinjaValues.Iterate(value))
        {
            CountIterations(1);
            var attributeValue = AttributePath(item, attribute);
            var passes = args.Count == 1 ? JinjaValues.IsTruthy(attributeValue) : ApplyTest(JinjaValues.ToText(args[1]), attributeValue, args.Skip(2).ToList());
            if (passes == select) result.Add(item);
        }
        return result;
    }

    private List<object?> Map(object? value, List<object?> args, Dictionary<string, object?> named)
    {
        var items = JinjaValues.Iterate(value);
        CountIterations(items.Count);
        if (named.TryGetValue("attribute", out var attribute))
        {
            var fallback = named.GetValueOrDefault("default", JinjaUndefined.Instance);
            return items.Select(i => AttributePath(i, JinjaValues.ToText(attribute)) is JinjaUndefined ? fallback : AttributePath(i, JinjaValues.ToText(attribute))).ToList();
        }
        if (args.Count == 0 || args[0] is not string filter) throw new ChatTemplateException("chat template error: map needs attribute= or a filter name");
        var rest = new JinjaCallArguments(args.Skip(1).Select(a => (JinjaExpr)new JinjaExpr.Literal(a)).ToList(), []);
        return items.Select(i => ApplyFilter(filter, i, rest)).ToList();
    }

    private string Replace(string text, string old, string replacement, object? count)
    {
        if (count is null or JinjaUndefined) return CheckSize(old.Length == 0 ? text : text.Replace(old, replacement, StringComparison.Ordinal));
        var remaining = JinjaValues.ToLong(count);
        var builder = new System.Text.StringBuilder();
        var at = 0;
        while (remaining-- > 0 && old.Length > 0 && text.IndexOf(old, at, StringComparison.Ordinal) is var next && next >= 0)
        {
            builder.Append(text, at, next - at).Append(replacement);
            at = next + old.Length;
        }
        return CheckSize(builder.Append(text, at, text.Length - at).ToString());
    }

    private static object? ToInt(object? value, object? fallback) => value switch
    {
        long or bool => JinjaValues.ToLong(value),
        double d when double.IsFinite(d) => (long)Math.Truncate(d),
        string s when long.TryParse(s.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) => l,
        string s when double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) => (long)Math.Truncate(d),
        _ => fallback,
    };

    private static string Capitalize(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..].ToLowerInvariant();

    private static string Title(string text)
    {
        var chars = text.ToCharArray();
        var startOfWord = true;
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = startOfWord ? char.ToUpperInvariant(chars[i]) : char.ToLowerInvariant(chars[i]);
            startOfWord = !char.IsLetter(chars[i]);
        }
        return new string(chars);
    }

    private string Indent(string text, object? width, bool first)
    {
        var pad = width is string s ? s : new string(' ', (int)Math.Clamp(JinjaValues.ToLong(width), 0, 1024));
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
            if ((i > 0 || first) && lines[i].Length > 0) lines[i] = pad + lines[i];
        return CheckSize(string.Join('\n', lines));
    }
}

using System.Globalization;
using System.Text;
using System.Text.Json;

namespace LlamaOrch.Core.Chat.Jinja;

/// <summary>
/// JSON in and out of template values. <c>tojson</c> writes what transformers' <c>tojson</c> writes, Python's
/// <c>json.dumps(x, ensure_ascii=False, indent=indent)</c>: <c>", "</c> and <c>": "</c> separators on one line,
/// <c>","</c> and newlines with an indent, non-ASCII text as is.
/// </summary>
internal static class JinjaJson
{
    public static object? FromElement(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().Aggregate(new Dictionary<string, object?>(StringComparer.Ordinal), (dict, p) =>
        {
            dict[p.Name] = FromElement(p.Value);
            return dict;
        }),
        JsonValueKind.Array => element.EnumerateArray().Select(FromElement).ToList(),
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number => element.TryGetInt64(out var l) ? l : element.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };

    public static string Serialize(object? value, int? indent, int maxChars)
    {
        var builder = new StringBuilder();
        Write(builder, value, indent, 0, maxChars);
        return builder.ToString();
    }

    private static void Write(StringBuilder builder, object? value, int? indent, int level, int maxChars)
    {
        if (builder.Length > maxChars) throw new ChatTemplateException($"chat template error: tojson output exceeds {maxChars} characters");
        if (level > 64) throw new ChatTemplateException("chat template error: value nested too deeply for tojson");
        switch (value)
        {
            case null or JinjaUndefined: builder.Append("null"); break;
            case bool b: builder.Append(b ? "true" : "false"); break;
            case long l: builder.Append(l.ToString(CultureInfo.InvariantCulture)); break;
            case double d: builder.Append(double.IsFinite(d) ? JinjaValues.FormatDouble(d) : double.IsNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity"); break;
            case string s: WriteString(builder, s); break;
            case List<object?> list:
                WriteContainer(builder, '[', ']', list.Count, indent, level, i => Write(builder, list[i], indent, level + 1, maxChars));
                break;
            case Dictionary<string, object?> dict:
                var entries = dict.ToList();
                WriteContainer(builder, '{', '}', entries.Count, indent, level, i =>
                {
                    WriteString(builder, entries[i].Key);
                    builder.Append(": ");
                    Write(builder, entries[i].Value, indent, level + 1, maxChars);
                });
                break;
            case JinjaNamespace ns:
                Write(builder, ns.Attributes, indent, level, maxChars);
                break;
            default:
                throw new ChatTemplateException($"chat template error: {JinjaValues.TypeName(value)} cannot be written as JSON");
        }
    }

    private static void WriteContainer(StringBuilder builder, char open, char close, int count, int? indent, int level, Action<int> item)
    {
        builder.Append(open);
        if (count == 0)
        {
            builder.Append(close);
            return;
        }
        for (var i = 0; i < count; i++)
        {
            if (indent is { } step) builder.Append(i == 0 ? "\n" : ",\n").Append(' ', step * (level + 1));
            else if (i > 0) builder.Append(", ");
            item(i);
        }
        if (indent is { } width) builder.Append('\n').Append(' ', width * level);
        builder.Append(close);
    }

    private static void WriteString(StringBuilder builder, string s)
    {
        builder.Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                case '\b': builder.Append("\\b"); break;
                case '\f': builder.Append("\\f"); break;
                case < ' ': builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)); break;
                default: builder.Append(c); break;
            }
        }
        builder.Append('"');
    }
}

using System.Globalization;
using System.Text;

namespace LlamaOrch.Core.Chat.Jinja;

/// <summary>
/// Python's semantics for the values a template sees: none, bool, long, double, string, <c>List&lt;object?&gt;</c>,
/// <c>Dictionary&lt;string, object?&gt;</c> (insertion-ordered), namespaces, callables and undefined.
/// </summary>
internal static class JinjaValues
{
    public static bool IsTruthy(object? value) => value switch
    {
        null or JinjaUndefined => false,
        bool b => b,
        long l => l != 0,
        double d => d != 0,
        string s => s.Length > 0,
        List<object?> list => list.Count > 0,
        Dictionary<string, object?> dict => dict.Count > 0,
        _ => true,
    };

    /// <summary>What <c>{{ value }}</c> writes: Python's <c>str()</c>.</summary>
    public static string ToText(object? value) => value switch
    {
        string s => s,
        JinjaUndefined => "",
        _ => Repr(value),
    };

    /// <summary>Python's <c>repr()</c>, which lists and dicts use for their items.</summary>
    public static string Repr(object? value)
    {
        var builder = new StringBuilder();
        AppendRepr(builder, value, 0);
        return builder.ToString();
    }

    private static void AppendRepr(StringBuilder builder, object? value, int depth)
    {
        if (depth > 64) throw new ChatTemplateException("chat template error: value nested too deeply to print");
        switch (value)
        {
            case null: builder.Append("None"); break;
            case JinjaUndefined: break;
            case bool b: builder.Append(b ? "True" : "False"); break;
            case long l: builder.Append(l.ToString(CultureInfo.InvariantCulture)); break;
            case double d: builder.Append(FormatDouble(d)); break;
            case string s: builder.Append('\'').Append(s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)).Append('\''); break;
            case List<object?> list:
                builder.Append('[');
                for (var i = 0; i < list.Count; i++)
                {
                    if (i > 0) builder.Append(", ");
                    AppendRepr(builder, list[i], depth + 1);
                }
                builder.Append(']');
                break;
            case Dictionary<string, object?> dict:
                builder.Append('{');
                var first = true;
                foreach (var (key, item) in dict)
                {
                    if (!first) builder.Append(", ");
                    first = false;
                    AppendRepr(builder, key, depth + 1);
                    builder.Append(": ");
                    AppendRepr(builder, item, depth + 1);
                }
                builder.Append('}');
                break;
            case JinjaNamespace: builder.Append("<Namespace>"); break;
            case JinjaCallable callable: builder.Append("<function ").Append(callable.Name).Append('>'); break;
            default: builder.Append(value); break;
        }
    }

    /// <summary>Python's float repr: shortest round-trip digits, always with a point or an exponent.</summary>
    public static string FormatDouble(double d)
    {
        if (double.IsNaN(d)) return "nan";
        if (double.IsInfinity(d)) return d > 0 ? "inf" : "-inf";
        var text = d.ToString("R", CultureInfo.InvariantCulture);
        if (text.Contains('E', StringComparison.Ordinal))
        {
            var parts = text.Split('E');
            var exponent = int.Parse(parts[1], CultureInfo.InvariantCulture);
            return $"{parts[0]}e{(exponent < 0 ? "-" : "+")}{Math.Abs(exponent):00}";
        }
        return text.Contains('.', StringComparison.Ordinal) ? text : text + ".0";
    }

    public static bool IsNumber(object? value) => value is long or double or bool;

    public static double ToDouble(object? value) => value switch
    {
        long l => l,
        double d => d,
        bool b => b ? 1 : 0,
        _ => throw new ChatTemplateException($"chat template error: {TypeName(value)} is not a number"),
    };

    public static long ToLong(object? value) => value switch
    {
        long l => l,
        bool b => b ? 1 : 0,
        double d => (long)d,
        _ => throw new ChatTemplateException($"chat template error: {TypeName(value)} is not an integer"),
    };

    public static bool AreEqual(object? left, object? right)
    {
        if (left is JinjaUndefined || right is JinjaUndefined) return left is JinjaUndefined && right is JinjaUndefined;
        if (IsNumber(left) && IsNumber(right)) return ToDouble(left) == ToDouble(right);
        return (left, right) switch
        {
            (null, null) => true,
            (string a, string b) => string.Equals(a, b, StringComparison.Ordinal),
            (List<object?> a, List<object?> b) => a.Count == b.Count && a.Zip(b).All(p => AreEqual(p.First, p.Second)),
            (Dictionary<string, object?> a, Dictionary<string, object?> b) =>
                a.Count == b.Count && a.All(p => b.TryGetValue(p.Key, out var other) && AreEqual(p.Value, other)),
            _ => ReferenceEquals(left, right),
        };
    }

    public static int Compare(object? left, object? right)
    {
        if (IsNumber(left) && IsNumber(right)) return ToDouble(left).CompareTo(ToDouble(right));
        if (left is string a && right is string b) return string.CompareOrdinal(a, b);
        if (left is List<object?> x && right is List<object?> y)
        {
            for (var i = 0; i < Math.Min(x.Count, y.Count); i++)
                if (Compare(x[i], y[i]) is var c && c != 0) return c;
            return x.Count.CompareTo(y.Count);
        }
        throw new ChatTemplateException($"chat template error: cannot compare {TypeName(left)} with {TypeName(right)}");
    }

    /// <summary>The items a for loop or a filter walks: a list's items, a dict's keys, a string's characters.</summary>
    public static List<object?> Iterate(object? value) => value switch
    {
        List<object?> list => list,
        Dictionary<string, object?> dict => dict.Keys.Cast<object?>().ToList(),
        string s => s.Select(c => (object?)c.ToString()).ToList(),
        JinjaUndefined => [],
        _ => throw new ChatTemplateException($"chat template error: {TypeName(value)} is not iterable"),
    };

    public static bool Contains(object? container, object? item) => container switch
    {
        string s => item is string needle ? s.Contains(needle, StringComparison.Ordinal) : throw new ChatTemplateException("chat template error: 'in <string>' needs a string"),
        List<object?> list => list.Any(x => AreEqual(x, item)),
        Dictionary<string, object?> dict => item is string key && dict.ContainsKey(key),
        JinjaNamespace ns => item is string key && ns.Attributes.ContainsKey(key),
        JinjaUndefined => false,
        _ => throw new ChatTemplateException($"chat template error: 'in' needs a container, not {TypeName(container)}"),
    };

    public static long Length(object? value) => value switch
    {
        string s => s.Length,
        List<object?> list => list.Count,
        Dictionary<string, object?> dict => dict.Count,
        JinjaUndefined => 0,
        _ => throw new ChatTemplateException($"chat template error: {TypeName(value)} has no length"),
    };

    public static string TypeName(object? value) => value switch
    {
        null => "none",
        JinjaUndefined => "undefined",
        bool => "bool",
        long => "int",
        double => "float",
        string => "string",
        List<object?> => "list",
        Dictionary<string, object?> => "dict",
        JinjaNamespace => "namespace",
        JinjaCallable => "function",
        _ => value.GetType().Name,
    };
}

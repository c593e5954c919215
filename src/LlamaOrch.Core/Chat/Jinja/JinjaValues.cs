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
            case string s: AppendStringRepr(builder, s); break;
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

    /// <summary>Python's string repr: single quotes unless the text has a single quote and no double one.</summary>
    private static void AppendStringRepr(StringBuilder builder, string s)
    {
        var quote = s.Contains('\'', StringComparison.Ordinal) && !s.Contains('"', StringComparison.Ordinal) ? '"' : '\'';
        builder.Append(quote);
        foreach (var c in s)
        {
            switch (c)
            {
                case '\\': builder.Append("\\\\"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                default:
                    if (c == quote) builder.Append('\\');
                    builder.Append(c);
                    break;
            }
        }
        builder.Append(quote);
    }

    /// <summary>
    /// Python's float repr: the shortest digits that round-trip, fixed notation for decimal exponents from -4 to 15
    /// (always with a point), scientific beyond (<c>1e+16</c>, <c>2.5e-05</c>).
    /// </summary>
    public static string FormatDouble(double d)
    {
        if (double.IsNaN(d)) return "nan";
        if (double.IsInfinity(d)) return d > 0 ? "inf" : "-inf";
        if (d == 0) return double.IsNegative(d) ? "-0.0" : "0.0";
        var shortest = Math.Abs(d).ToString("R", CultureInfo.InvariantCulture);
        var exponentAt = shortest.IndexOf('E', StringComparison.Ordinal);
        var exponent = exponentAt < 0 ? 0 : int.Parse(shortest.AsSpan(exponentAt + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var mantissa = exponentAt < 0 ? shortest : shortest[..exponentAt];
        var dot = mantissa.IndexOf('.', StringComparison.Ordinal);
        var integerPart = dot < 0 ? mantissa : mantissa[..dot];
        var digits = integerPart + (dot < 0 ? "" : mantissa[(dot + 1)..]);
        // The value is 0.digits × 10^point.
        var point = integerPart.Length + exponent;
        var leadingZeros = digits.Length - digits.TrimStart('0').Length;
        digits = digits[leadingZeros..].TrimEnd('0');
        point -= leadingZeros;
        var scientific = point - 1;
        string body;
        if (scientific is >= -4 and < 16)
        {
            body = point <= 0 ? "0." + new string('0', -point) + digits
                : point >= digits.Length ? digits + new string('0', point - digits.Length) + ".0"
                : digits[..point] + "." + digits[point..];
        }
        else
        {
            body = digits[..1] + (digits.Length > 1 ? "." + digits[1..] : "") + "e" + (scientific < 0 ? "-" : "+")
                + Math.Abs(scientific).ToString("00", CultureInfo.InvariantCulture);
        }
        return (d < 0 ? "-" : "") + body;
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

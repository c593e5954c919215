using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace LlamaOrch.Core.Artifacts;

/// <summary>
/// The canonical form an artifact's id is the hash of, after RFC 8785 (JCS): UTF-8, no insignificant whitespace,
/// object members sorted by the UTF-16 code units of their names, numbers as ECMAScript writes a double (shortest
/// round trip; integers above 2^53 lose precision as they would in any JCS implementation), strings escaped
/// minimally (<c>\" \\ \b \f \n \r \t</c>, other control characters as <c>\u00xx</c>, everything else as is).
/// Two spellings of the same JSON value give the same bytes, so the same content always gets the same id.
/// </summary>
public static class CanonicalJson
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Appends the canonical form of <paramref name="value"/>.</summary>
    /// <exception cref="FormatException">A duplicate member name, a number that is not finite as a double, or a lone surrogate.</exception>
    public static void Write(StringBuilder output, JsonElement value)
    {
        try
        {
            WriteValue(output, value);
        }
        catch (InvalidOperationException error)
        {
            // JsonElement throws this for a string whose escapes make a lone surrogate (e.g. "\ud800").
            throw new FormatException($"a string has no UTF-8 form: {error.Message}");
        }
    }

    private static void WriteValue(StringBuilder output, JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                var members = new List<KeyValuePair<string, JsonElement>>();
                foreach (var member in value.EnumerateObject()) members.Add(new(member.Name, member.Value));
                members.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
                output.Append('{');
                for (var index = 0; index < members.Count; index++)
                {
                    if (index > 0 && members[index - 1].Key == members[index].Key)
                        throw new FormatException($"the member name '{members[index].Key}' appears twice in one object");
                    if (index > 0) output.Append(',');
                    WriteString(output, members[index].Key);
                    output.Append(':');
                    WriteValue(output, members[index].Value);
                }
                output.Append('}');
                break;
            case JsonValueKind.Array:
                output.Append('[');
                var first = true;
                foreach (var item in value.EnumerateArray())
                {
                    if (!first) output.Append(',');
                    first = false;
                    WriteValue(output, item);
                }
                output.Append(']');
                break;
            case JsonValueKind.String:
                WriteString(output, value.GetString()!);
                break;
            case JsonValueKind.Number:
                if (!double.TryParse(value.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture, out var number) || !double.IsFinite(number))
                    throw new FormatException($"the number {value.GetRawText()} is out of the range of a double");
                output.Append(FormatNumber(number));
                break;
            case JsonValueKind.True: output.Append("true"); break;
            case JsonValueKind.False: output.Append("false"); break;
            case JsonValueKind.Null: output.Append("null"); break;
            default: throw new FormatException($"no JSON value ({value.ValueKind})");
        }
    }

    /// <summary>The UTF-8 bytes of a canonical text; a lone surrogate is refused rather than replaced.</summary>
    /// <exception cref="FormatException">The text holds a lone surrogate.</exception>
    public static byte[] ToUtf8(string canonical)
    {
        try
        {
            return StrictUtf8.GetBytes(canonical);
        }
        catch (EncoderFallbackException)
        {
            throw new FormatException("a string holds a lone UTF-16 surrogate, which has no UTF-8 form");
        }
    }

    /// <summary><c>sha256:</c> and the lowercase hex SHA-256 of <paramref name="bytes"/>.</summary>
    public static string Sha256Id(ReadOnlySpan<byte> bytes) => ArtifactIds.Prefix + Convert.ToHexStringLower(SHA256.HashData(bytes));

    public static void WriteStringArray(StringBuilder output, IReadOnlyList<string> items)
    {
        output.Append('[');
        for (var index = 0; index < items.Count; index++)
        {
            if (index > 0) output.Append(',');
            WriteString(output, items[index]);
        }
        output.Append(']');
    }

    public static void WriteString(StringBuilder output, string text)
    {
        output.Append('"');
        foreach (var c in text)
        {
            switch (c)
            {
                case '"': output.Append("\\\""); break;
                case '\\': output.Append("\\\\"); break;
                case '\b': output.Append("\\b"); break;
                case '\f': output.Append("\\f"); break;
                case '\n': output.Append("\\n"); break;
                case '\r': output.Append("\\r"); break;
                case '\t': output.Append("\\t"); break;
                default:
                    if (c < 0x20) output.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else output.Append(c);
                    break;
            }
        }
        output.Append('"');
    }

    /// <summary>ECMAScript's Number::toString: the shortest digits that round-trip, placed as JavaScript places them.</summary>
    public static string FormatNumber(double value)
    {
        if (value == 0) return "0"; // -0 too
        // "R" gives the shortest round-trip digits; read them and the exponent out of its scientific form.
        var shortest = Math.Abs(value).ToString("R", CultureInfo.InvariantCulture);
        var exponentAt = shortest.IndexOfAny(['E', 'e']);
        var mantissa = exponentAt < 0 ? shortest : shortest[..exponentAt];
        var exponent = exponentAt < 0 ? 0 : int.Parse(shortest[(exponentAt + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var point = mantissa.IndexOf('.');
        var digits = point < 0 ? mantissa : mantissa[..point] + mantissa[(point + 1)..];
        var n = (point < 0 ? mantissa.Length : point) + exponent; // where the decimal point falls after the digits' start
        var leadingZeros = digits.Length - digits.TrimStart('0').Length;
        digits = digits.Trim('0');
        n -= leadingZeros;
        var k = digits.Length;
        var sign = value < 0 ? "-" : string.Empty;
        string text;
        if (k <= n && n <= 21) text = digits + new string('0', n - k);
        else if (0 < n && n <= 21) text = digits[..n] + "." + digits[n..];
        else if (-6 < n && n <= 0) text = "0." + new string('0', -n) + digits;
        else
        {
            var e = n - 1;
            var e10 = (e < 0 ? "-" : "+") + Math.Abs(e).ToString(CultureInfo.InvariantCulture);
            text = (k == 1 ? digits : digits[..1] + "." + digits[1..]) + "e" + e10;
        }
        return sign + text;
    }
}

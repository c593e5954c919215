using System.Globalization;
using System.Text;

namespace LlamaOrch.Server.Metrics;

/// <summary>One sample line of the Prometheus text format: <c>name{label="value",…} value [timestamp]</c>.</summary>
/// <param name="Rest">The value and the optional timestamp as the engine wrote them.</param>
internal sealed record EngineSample(string Name, IReadOnlyList<KeyValuePair<string, string>> Labels, double Value, string Rest)
{
    public static bool TryParse(string line, out EngineSample sample)
    {
        sample = null!;
        var at = 0;
        while (at < line.Length && line[at] != '{' && line[at] != ' ') at++;
        var name = line[..at];
        if (!IsMetricName(name)) return false;

        var labels = new List<KeyValuePair<string, string>>();
        if (at < line.Length && line[at] == '{' && !TryReadLabels(line, ref at, labels)) return false;

        var rest = line[at..].Trim();
        var parts = rest.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length is 0 or > 2 || !TryParseValue(parts[0], out var value)) return false;
        if (parts.Length == 2 && !long.TryParse(parts[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _)) return false;
        sample = new EngineSample(name, labels, value, string.Join(' ', parts));
        return true;
    }

    /// <summary>The sample as a line, with <paramref name="extra"/> labels after its own, which they replace where the names meet.</summary>
    public string Relabel(IReadOnlyList<KeyValuePair<string, string>> extra)
    {
        var text = new StringBuilder(Name).Append('{');
        var first = true;
        foreach (var label in Labels.Where(l => !extra.Any(e => e.Key == l.Key)).Concat(extra))
        {
            if (!first) text.Append(',');
            first = false;
            text.Append(label.Key).Append("=\"").Append(Escape(label.Value)).Append('"');
        }
        return text.Append("} ").Append(Rest).ToString();
    }

    public static bool IsMetricName(string name) =>
        name.Length > 0 && !char.IsAsciiDigit(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or ':');

    private static bool IsLabelName(string name) =>
        name.Length > 0 && !char.IsAsciiDigit(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    /// <summary>Reads <c>{a="x",b="y"}</c> from <paramref name="at"/> (on the brace) to just past the closing brace.</summary>
    private static bool TryReadLabels(string line, ref int at, List<KeyValuePair<string, string>> labels)
    {
        at++;
        while (true)
        {
            while (at < line.Length && line[at] == ' ') at++;
            if (at >= line.Length) return false;
            if (line[at] == '}')
            {
                at++;
                return true;
            }
            var eq = line.IndexOf('=', at);
            if (eq < 0 || eq + 1 >= line.Length || line[eq + 1] != '"') return false;
            var name = line[at..eq].Trim();
            if (!IsLabelName(name)) return false;
            at = eq + 2;
            var value = new StringBuilder();
            while (true)
            {
                if (at >= line.Length) return false;
                var c = line[at++];
                if (c == '"') break;
                if (c != '\\')
                {
                    value.Append(c);
                    continue;
                }
                if (at >= line.Length) return false;
                var escaped = line[at++];
                value.Append(escaped == 'n' ? '\n' : escaped);
            }
            labels.Add(new(name, value.ToString()));
            while (at < line.Length && line[at] == ' ') at++;
            if (at < line.Length && line[at] == ',') at++;
        }
    }

    private static bool TryParseValue(string text, out double value)
    {
        switch (text)
        {
            case "+Inf":
                value = double.PositiveInfinity;
                return true;
            case "-Inf":
                value = double.NegativeInfinity;
                return true;
            case "NaN":
                value = double.NaN;
                return true;
            default:
                return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);
        }
    }

    private static string Escape(string value) => value.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n");
}

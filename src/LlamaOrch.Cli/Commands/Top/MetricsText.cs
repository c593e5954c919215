using System.Globalization;

namespace LlamaOrch.Cli.Commands;

/// <summary>Just enough of the Prometheus text format to read a few series of orchestratord's <c>/metrics</c>.</summary>
internal static class MetricsText
{
    /// <summary>The samples of <paramref name="name"/>: their labels and value.</summary>
    public static IEnumerable<(IReadOnlyDictionary<string, string> Labels, double Value)> Samples(string text, string name)
    {
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (!line.StartsWith(name, StringComparison.Ordinal) || line.Length == name.Length) continue;
            var next = line[name.Length];
            if (next is not ('{' or ' ')) continue;
            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            var rest = line[name.Length..];
            if (next == '{')
            {
                var close = rest.LastIndexOf('}');
                if (close < 0) continue;
                ParseLabels(rest[1..close], labels);
                rest = rest[(close + 1)..];
            }
            var fields = rest.Trim().Split(' ');
            if (double.TryParse(fields[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                yield return (labels, value);
        }
    }

    private static void ParseLabels(string text, Dictionary<string, string> labels)
    {
        var i = 0;
        while (i < text.Length)
        {
            var eq = text.IndexOf('=', i);
            if (eq < 0 || eq + 1 >= text.Length || text[eq + 1] != '"') return;
            var key = text[i..eq].Trim(' ', ',');
            var value = new System.Text.StringBuilder();
            var j = eq + 2;
            for (; j < text.Length && text[j] != '"'; j++)
            {
                if (text[j] == '\\' && j + 1 < text.Length)
                {
                    j++;
                    value.Append(text[j] == 'n' ? '\n' : text[j]);
                }
                else
                {
                    value.Append(text[j]);
                }
            }
            labels[key] = value.ToString();
            i = j + 1;
        }
    }
}

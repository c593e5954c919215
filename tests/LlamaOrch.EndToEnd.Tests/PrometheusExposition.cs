using System.Globalization;
using System.Text;

namespace LlamaOrch.EndToEnd.Tests;

/// <summary>
/// The Prometheus text format (0.0.4) as the tests read it: each family's type from its <c># TYPE</c> line and its
/// samples, a histogram's <c>_bucket</c>, <c>_sum</c> and <c>_count</c> samples under the histogram's own name
/// (its <c>le</c> label left out, as Prometheus itself groups them).
/// </summary>
internal sealed class PrometheusExposition
{
    private static readonly string[] HistogramSuffixes = ["_bucket", "_sum", "_count"];

    private PrometheusExposition(Dictionary<string, string> types, List<Sample> samples)
    {
        Types = types;
        Samples = samples;
    }

    /// <summary>Each family's type by name.</summary>
    public IReadOnlyDictionary<string, string> Types { get; }

    public IReadOnlyList<Sample> Samples { get; }

    /// <summary>The samples of one family (for a histogram, its bucket, sum and count samples).</summary>
    public IEnumerable<Sample> Of(string family) => Samples.Where(s => s.Family == family);

    /// <summary>The sum of a family's samples whose labels include every one given; a histogram is not summed.</summary>
    public double Sum(string family, params (string Name, string Value)[] labels) =>
        Of(family).Where(s => labels.All(l => s.Labels.TryGetValue(l.Name, out var v) && v == l.Value)).Sum(s => s.Value);

    /// <summary>How many observations a histogram family holds, over all its label sets.</summary>
    public double Count(string histogram) => Of(histogram).Where(s => s.Name == histogram + "_count").Sum(s => s.Value);

    public static PrometheusExposition Parse(string text)
    {
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        var samples = new List<Sample>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0) continue;
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line.Split(' ');
                types[parts[2]] = parts[3];
                continue;
            }
            if (line.StartsWith('#')) continue;
            samples.Add(ParseSample(line, types));
        }
        return new PrometheusExposition(types, samples);
    }

    private static Sample ParseSample(string line, Dictionary<string, string> types)
    {
        var nameEnd = line.IndexOfAny(['{', ' ']);
        var name = line[..nameEnd];
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        var at = nameEnd;
        if (line[at] == '{')
        {
            at++;
            while (line[at] != '}')
            {
                var eq = line.IndexOf('=', at);
                var label = line[at..eq];
                at = eq + 2; // past ="
                var value = new StringBuilder();
                while (line[at] != '"')
                {
                    if (line[at] == '\\')
                    {
                        at++;
                        value.Append(line[at] == 'n' ? '\n' : line[at]);
                    }
                    else
                    {
                        value.Append(line[at]);
                    }
                    at++;
                }
                labels[label] = value.ToString();
                at++; // past the closing quote
                if (line[at] == ',') at++;
            }
            at++;
        }
        var valueText = line[at..].Trim().Split(' ')[0];
        var family = FamilyOf(name, types);
        if (types.GetValueOrDefault(family) == "histogram") labels.Remove("le");
        return new Sample(family, name, labels, double.Parse(valueText, NumberStyles.Float, CultureInfo.InvariantCulture));
    }

    private static string FamilyOf(string name, Dictionary<string, string> types)
    {
        if (types.ContainsKey(name)) return name;
        foreach (var suffix in HistogramSuffixes)
        {
            if (name.EndsWith(suffix, StringComparison.Ordinal) && types.GetValueOrDefault(name[..^suffix.Length]) is "histogram" or "summary")
                return name[..^suffix.Length];
        }
        return name;
    }

    /// <param name="Family">The family it belongs to; <paramref name="Name"/> is the sample's own name.</param>
    public sealed record Sample(string Family, string Name, IReadOnlyDictionary<string, string> Labels, double Value);
}

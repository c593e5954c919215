using System.Globalization;
using System.Text;

namespace LlamaOrch.Server.Metrics;

/// <summary>
/// The engines' own series merged into one piece of the Prometheus text format (0.0.4), each sample given the
/// labels of the replica it came from. Written by hand: prometheus-net exposes only the collectors it owns and
/// cannot re-expose text scraped from elsewhere. The format allows one family once in a scrape, so every
/// replica's samples of a family go under one <c># HELP</c> and <c># TYPE</c>, the first replica's. Lines it
/// cannot read are skipped: an odd engine costs its own odd lines, never the scrape. Not thread-safe: one per scrape.
/// </summary>
internal sealed class EngineExposition
{
    /// <summary>
    /// Only llama.cpp's own names are re-exposed, so an engine can never add a second family under one of
    /// orchestratord's names.
    /// </summary>
    public const string Prefix = "llamacpp:";

    private static readonly string[] SampleSuffixes = ["_bucket", "_sum", "_count"];

    private readonly Dictionary<string, Family> _families = new(StringComparer.Ordinal);
    private readonly List<Family> _order = [];

    /// <summary>Adds one engine's text with <paramref name="labels"/> on every sample, replacing any of the same name it set.</summary>
    /// <returns>The value of the first sample of each name, to read single figures from (<c>kv_cache_usage_ratio</c>).</returns>
    public IReadOnlyDictionary<string, double> Add(string text, IReadOnlyList<KeyValuePair<string, string>> labels)
    {
        var firsts = new Dictionary<string, double>(StringComparer.Ordinal);
        Family? current = null;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0) continue;
            if (line[0] == '#')
            {
                current = ReadComment(line) ?? current;
                continue;
            }
            if (!EngineSample.TryParse(line, out var sample) || !sample.Name.StartsWith(Prefix, StringComparison.Ordinal)) continue;
            if (current is null || !current.Holds(sample.Name)) current = FamilyOf(sample.Name);
            current.Samples.Add(sample.Relabel(labels));
            firsts.TryAdd(sample.Name, sample.Value);
        }
        return firsts;
    }

    public override string ToString()
    {
        var text = new StringBuilder();
        foreach (var family in _order)
        {
            if (family.Samples.Count == 0) continue;
            if (family.Help is not null) text.Append(CultureInfo.InvariantCulture, $"# HELP {family.Name} {family.Help}\n");
            if (family.Type is not null) text.Append(CultureInfo.InvariantCulture, $"# TYPE {family.Name} {family.Type}\n");
            foreach (var sample in family.Samples) text.Append(sample).Append('\n');
        }
        return text.ToString();
    }

    /// <summary>The family a <c># HELP</c> or <c># TYPE</c> line names, its text kept when first seen; null for other comments.</summary>
    private Family? ReadComment(string line)
    {
        var parts = line.Split(' ', 4);
        if (parts.Length < 4 || parts[0] != "#" || !parts[2].StartsWith(Prefix, StringComparison.Ordinal) || !EngineSample.IsMetricName(parts[2])) return null;
        var family = FamilyOf(parts[2]);
        if (parts[1] == "HELP") family.Help ??= parts[3];
        else if (parts[1] == "TYPE") family.Type ??= parts[3].Trim();
        else return null;
        return family;
    }

    private Family FamilyOf(string name)
    {
        if (_families.TryGetValue(name, out var family)) return family;
        family = new Family(name);
        _families.Add(name, family);
        _order.Add(family);
        return family;
    }

    private sealed class Family(string name)
    {
        public string Name { get; } = name;
        public string? Help { get; set; }
        public string? Type { get; set; }
        public List<string> Samples { get; } = [];

        /// <summary>Whether a sample of this name belongs here: its own, or a histogram's or summary's parts.</summary>
        public bool Holds(string sample) =>
            sample == Name || (Type is "histogram" or "summary" && SampleSuffixes.Any(s => sample == Name + s));
    }
}

using System.Text.Json.Nodes;
using LlamaOrch.Testing;

namespace LlamaOrch.EndToEnd.Tests;

/// <summary>
/// contracts/metrics/metrics.lint.json applied to a scrape: each required series present, each linted series of
/// its type with exactly its label set on every sample, and no forbidden (unbounded) label anywhere.
/// </summary>
internal static class MetricsLint
{
    public static void Check(PrometheusExposition scraped)
    {
        var lint = JsonNode.Parse(File.ReadAllText(RepoPaths.InRepo("contracts", "metrics", "metrics.lint.json")))!;
        var problems = new List<string>();
        foreach (var series in lint["series"]!.AsArray())
        {
            var name = series!["name"]!.GetValue<string>();
            var type = series["type"]!.GetValue<string>();
            var labels = series["labels"]!.AsArray().Select(l => l!.GetValue<string>()).Order(StringComparer.Ordinal).ToList();
            var samples = scraped.Of(name).ToList();
            if (!scraped.Types.TryGetValue(name, out var actualType) || samples.Count == 0)
            {
                if (series["required"]!.GetValue<bool>()) problems.Add($"{name}: missing");
                continue;
            }
            if (actualType != type) problems.Add($"{name}: type {actualType}, the lint says {type}");
            foreach (var sample in samples)
            {
                var actual = sample.Labels.Keys.Order(StringComparer.Ordinal).ToList();
                if (!actual.SequenceEqual(labels))
                    problems.Add($"{sample.Name}: labels {{{string.Join(",", actual)}}}, the lint says {{{string.Join(",", labels)}}}");
            }
        }
        var forbidden = lint["forbidden_labels"]!.AsArray().Select(l => l!.GetValue<string>()).ToHashSet();
        problems.AddRange(scraped.Samples.Where(s => s.Labels.Keys.Any(forbidden.Contains)).Select(s => $"{s.Name}: a forbidden label"));
        Assert.True(problems.Count == 0, string.Join("\n", problems.Distinct()));
    }
}

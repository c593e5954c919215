using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using LlamaOrch.Testing;

namespace LlamaOrch.EndToEnd.Tests;

/// <summary>
/// docs/grafana/llama-orch.json as the tests read it: every panel query, the metric names each one uses, and each
/// as plain PromQL with Grafana's variables filled in, so a real Prometheus can run it.
/// </summary>
internal static partial class GrafanaDashboard
{
    /// <summary>Words of PromQL that are not metric names where they stand outside parentheses, braces and brackets.</summary>
    private static readonly HashSet<string> Keywords = ["by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or", "unless", "offset", "inf", "nan"];

    public static JsonObject Load() => JsonNode.Parse(File.ReadAllText(RepoPaths.InRepo("docs", "grafana", "llama-orch.json")))!.AsObject();

    /// <summary>Every panel's queries (rows' nested panels included), with the panel's title.</summary>
    public static IEnumerable<(string Panel, string Expr)> Queries(JsonObject dashboard) =>
        Panels(dashboard["panels"]!.AsArray())
            .SelectMany(p => (p["targets"]?.AsArray() ?? []).Select(t => (p["title"]!.GetValue<string>(), t!["expr"]!.GetValue<string>())));

    /// <summary>The query with Grafana's variables replaced as Grafana would: ranges by a duration, <c>$pool</c> by "all".</summary>
    public static string Runnable(string expr) => Variable().Replace(expr, m => m.Groups[1].Value switch
    {
        "__rate_interval" or "__interval" => "1m",
        "__range" => "1h",
        _ => ".*", // a multi-value variable set to All (allValue ".*"), used in =~ matchers
    });

    /// <summary>
    /// The metric names a query reads: what remains once label matchers, strings, ranges and grouping clauses are
    /// cut out, minus functions (a name before "(") and keywords; a histogram's _bucket/_sum/_count as the histogram.
    /// </summary>
    public static IEnumerable<string> MetricNames(string expr, IReadOnlySet<string> histograms)
    {
        var bare = Grouping().Replace(Ranges().Replace(Matchers().Replace(Strings().Replace(expr, ""), ""), ""), "");
        foreach (Match name in Identifier().Matches(bare))
        {
            var rest = bare[(name.Index + name.Length)..].TrimStart();
            if (rest.StartsWith('(') || Keywords.Contains(name.Value)) continue;
            yield return HistogramSeries().Match(name.Value) is { Success: true } part && histograms.Contains(part.Groups[1].Value)
                ? part.Groups[1].Value
                : name.Value;
        }
    }

    private static IEnumerable<JsonObject> Panels(JsonArray panels)
    {
        foreach (var panel in panels.Select(p => p!.AsObject()))
        {
            yield return panel;
            foreach (var nested in Panels(panel["panels"]?.AsArray() ?? [])) yield return nested;
        }
    }

    [GeneratedRegex(@"\$\{?(\w+)\}?")]
    private static partial Regex Variable();

    [GeneratedRegex("\"(?:[^\"\\\\]|\\\\.)*\"")]
    private static partial Regex Strings();

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex Matchers();

    [GeneratedRegex(@"\[[^\]]*\]")]
    private static partial Regex Ranges();

    [GeneratedRegex(@"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")]
    private static partial Regex Grouping();

    [GeneratedRegex(@"(?<![\w.:])[a-zA-Z_:][a-zA-Z0-9_:]*")]
    private static partial Regex Identifier();

    [GeneratedRegex("^(.+)_(?:bucket|sum|count)$")]
    private static partial Regex HistogramSeries();
}

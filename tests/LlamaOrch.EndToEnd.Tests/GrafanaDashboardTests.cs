using System.Text.Json.Nodes;
using LlamaOrch.Testing;

namespace LlamaOrch.EndToEnd.Tests;

/// <summary>
/// docs/grafana/llama-orch.json reads only series we expose and imports with any Prometheus data source. That each
/// query parses and runs is checked against a real Prometheus in <see cref="PrometheusTests"/>.
/// </summary>
public sealed class GrafanaDashboardTests
{
    [Fact]
    public void Every_query_reads_only_series_of_the_metrics_lint()
    {
        var lint = JsonNode.Parse(File.ReadAllText(RepoPaths.InRepo("contracts", "metrics", "metrics.lint.json")))!["series"]!.AsArray();
        var linted = lint.Select(s => s!["name"]!.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
        var histograms = lint.Where(s => s!["type"]!.GetValue<string>() == "histogram").Select(s => s!["name"]!.GetValue<string>()).ToHashSet(StringComparer.Ordinal);

        var queries = GrafanaDashboard.Queries(GrafanaDashboard.Load()).ToList();
        Assert.NotEmpty(queries);
        var problems = new List<string>();
        foreach (var (panel, expr) in queries)
        {
            var names = GrafanaDashboard.MetricNames(expr, histograms).ToList();
            if (names.Count == 0) problems.Add($"{panel}: no metric in {expr}");
            problems.AddRange(names.Where(n => !linted.Contains(n)).Select(n => $"{panel}: {n} is not in metrics.lint.json ({expr})"));
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void Every_panel_uses_the_data_source_chosen_at_import()
    {
        var dashboard = GrafanaDashboard.Load();
        var input = Assert.Single(dashboard["__inputs"]!.AsArray())!;
        Assert.Equal("DS_PROMETHEUS", input["name"]!.GetValue<string>());
        Assert.Equal("prometheus", input["pluginId"]!.GetValue<string>());
        var sources = dashboard["panels"]!.AsArray()
            .Where(p => p!["type"]!.GetValue<string>() != "row")
            .SelectMany(p => new[] { p!["datasource"] }.Concat(p["targets"]!.AsArray().Select(t => t!["datasource"])))
            .Concat(dashboard["templating"]!["list"]!.AsArray().Select(v => v!["datasource"]));
        Assert.All(sources, s => Assert.Equal("${DS_PROMETHEUS}", s!["uid"]!.GetValue<string>()));
        var ids = dashboard["panels"]!.AsArray().Select(p => p!["id"]!.GetValue<int>()).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    [Fact]
    public void Metric_names_are_read_past_functions_matchers_and_grouping()
    {
        var histograms = new HashSet<string> { "latency_first_token_ms" };
        Assert.Equal(["latency_first_token_ms"],
            GrafanaDashboard.MetricNames("histogram_quantile(0.5, sum by (pool_id, le) (rate(latency_first_token_ms_bucket{pool_id=~\"$pool\"}[$__rate_interval])))", histograms));
        Assert.Equal(["tokens_out_total", "llamacpp:requests_processing"],
            GrafanaDashboard.MetricNames("sum by (model) (rate(tokens_out_total[1m]) * on (pool_id, replica_id) group_left (model) group by (pool_id, replica_id, model) (llamacpp:requests_processing))", histograms));
        Assert.Equal(["model_state"], GrafanaDashboard.MetricNames("max by (model_id, state) (model_state) == 1", histograms));
        Assert.Equal("rate(x{pool_id=~\".*\"}[1m])", GrafanaDashboard.Runnable("rate(x{pool_id=~\"$pool\"}[$__rate_interval])"));
    }
}

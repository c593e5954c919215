namespace LlamaOrch.EndToEnd.Tests;

/// <summary>
/// orchestratord's <c>/metrics</c> as a real Prometheus (the Debian package, 2.42) sees it: scraped every second
/// on 127.0.0.1, asked through its query API after a workload; the exposition checked by <c>promtool check
/// metrics</c>; every query of the Grafana dashboard run against it.
/// </summary>
public sealed class PrometheusTests : IDisposable
{
    /// <summary>Slow enough that a running task holds the only slot while Prometheus scrapes the queued one.</summary>
    private const string Slow = "sim:slow?tps=5";

    private readonly MetricsWorkload _workload = new(Slow);

    public void Dispose() => _workload.Dispose();

    [Fact]
    public async Task A_real_Prometheus_scrapes_the_workloads_series_promtool_accepts_the_exposition_and_every_dashboard_query_runs()
    {
        await using var orchestrator = await Orchestrator.StartAsync(_workload.Settings);
        await using var prometheus = await PrometheusServer.StartAsync(orchestrator.Address);
        await prometheus.QueryUntilAsync($"up{{job=\"{PrometheusServer.Job}\"}}", s => s.Count == 1 && s[0].Value == 1);

        // Prometheus sees the queued task before the workload cancels it.
        await _workload.RunAsync(orchestrator, () => prometheus.QueryUntilAsync(
            "queue_depth{pool_id=\"p\",priority=\"batch\",engine=\"llamacpp\"}", s => s.Count == 1 && s[0].Value == 1));

        await prometheus.QueryUntilAsync("sum(tokens_out_total{pool_id=\"p\",replica_id=\"p-r0\"})", s => s.Count == 1 && s[0].Value >= 4);
        await prometheus.QueryUntilAsync("queue_depth{pool_id=\"p\",priority=\"batch\"}", s => s.Count == 1 && s[0].Value == 0);
        await prometheus.QueryUntilAsync("tasks_rejected_total{engine=\"llamacpp\",reason=\"ADMISSION_REJECT\"}", s => s.Count == 1 && s[0].Value == 1);
        await prometheus.QueryUntilAsync("admission_backpressure_events_total{engine=\"llamacpp\",policy=\"reject\"}", s => s.Count == 1 && s[0].Value == 1);
        await prometheus.QueryUntilAsync("sum(tasks_canceled_total{pool_id=\"p\",reason=\"client\"})", s => s.Count == 1 && s[0].Value == 2);
        await prometheus.QueryUntilAsync("model_state{model_id=\"stories\",state=\"Active\"}", s => s.Count == 1 && s[0].Value == 1);
        await prometheus.QueryUntilAsync("model_state{model_id=\"stories\",state=\"Retired\"}", s => s.Count == 1 && s[0].Value == 0);
        await prometheus.QueryUntilAsync("catalog_verifications_total{result=\"failed\",reason=\"digest_mismatch\",engine=\"llamacpp\"}", s => s.Count == 1 && s[0].Value == 1);
        await prometheus.QueryUntilAsync("catalog_verifications_total{result=\"verified\"}", s => s.Count == 1 && s[0].Value == 1);
        await prometheus.QueryUntilAsync("sum(latency_first_token_ms_count{pool_id=\"p\"})", s => s.Count == 1 && s[0].Value >= 2);
        await prometheus.QueryUntilAsync("llamacpp:tokens_predicted_total{pool_id=\"p\",replica_id=\"p-r0\"}", s => s.Count == 1 && s[0].Value >= 4);
        // The dashboard's join that gives tokens_out_total the model its replica serves.
        await prometheus.QueryUntilAsync(
            "sum by (model) (tokens_out_total * on (pool_id, replica_id) group_left (model) group by (pool_id, replica_id, model) (llamacpp:requests_processing))",
            s => s.Count == 1 && s[0].Labels.GetValueOrDefault("model") == Slow && s[0].Value >= 4);

        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = orchestrator.Address };
        var (exitCode, lint) = await Promtool.CheckMetricsAsync(await http.GetStringAsync("/metrics"));
        var problems = lint.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => !IsAccepted(line)).ToList();
        Assert.True(problems.Count == 0 && exitCode is 0 or 3, $"promtool check metrics exited {exitCode}:\n{lint}");

        var failed = new List<string>();
        foreach (var (panel, expr) in GrafanaDashboard.Queries(GrafanaDashboard.Load()))
        {
            if ((await prometheus.QueryAsync(GrafanaDashboard.Runnable(expr))).Error is { } error) failed.Add($"{panel}: {expr}: {error}");
        }
        Assert.True(failed.Count == 0, string.Join("\n", failed));
    }

    /// <summary>
    /// Whether a line of promtool 2.42's lint is about a name the specs fix (each problem is printed as "name
    /// problem"): the home profile and contract notes name the latency histograms in milliseconds (<c>_ms</c>), and
    /// <c>llamacpp:</c> is llama.cpp's own prefix, kept so that dashboards built for llama-server read our
    /// re-exposition. Prometheus itself stores and queries both; any other problem fails the test.
    /// </summary>
    private static bool IsAccepted(string line)
    {
        var space = line.IndexOf(' ');
        if (space <= 0) return false;
        var (name, problem) = (line[..space], line[(space + 1)..]);
        return problem switch
        {
            "metric names should not contain abbreviated units" => name is "latency_first_token_ms" or "latency_decode_ms",
            "metric names should not contain ':'" => name.StartsWith("llamacpp:", StringComparison.Ordinal),
            _ => false,
        };
    }
}

using System.Net;
using System.Net.Http.Headers;

namespace LlamaOrch.EndToEnd.Tests;

/// <summary><c>GET /metrics</c> after a real workload, held to contracts/metrics/metrics.lint.json.</summary>
public sealed class MetricsTests : IDisposable
{
    private const string Slow = "sim:slow?tps=20";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly MetricsWorkload _workload = new(Slow);

    public void Dispose() => _workload.Dispose();

    [Fact]
    public async Task After_completed_refused_and_cancelled_tasks_every_linted_series_has_its_type_and_labels_and_the_counts_moved()
    {
        await using var orchestrator = await Orchestrator.StartAsync(_workload.Settings);
        PrometheusExposition? scrapedWithQueue = null;
        await _workload.RunAsync(orchestrator, async () => scrapedWithQueue = await ScrapeAsync(orchestrator.Address));

        // Runs count their tokens when they have given their slot back, just after their streams end: wait for that.
        var metrics = await ScrapeUntilAsync(orchestrator.Address,
            m => m.Sum("tasks_canceled_total") >= 2 && m.Sum("tokens_out_total") >= 4 && m.Sum("tasks_started_total") >= 2);

        MetricsLint.Check(metrics);
        Assert.Equal(1, scrapedWithQueue!.Sum("queue_depth", ("pool_id", "p"), ("priority", "batch")));
        Assert.Equal(0, metrics.Sum("queue_depth", ("pool_id", "p")));
        Assert.Equal(3, metrics.Sum("tasks_enqueued_total", ("pool_id", "p"), ("replica_id", "")));
        Assert.Equal(1, metrics.Sum("tasks_rejected_total", ("engine", "llamacpp"), ("reason", "ADMISSION_REJECT")));
        Assert.Equal(1, metrics.Sum("admission_backpressure_events_total", ("engine", "llamacpp"), ("policy", "reject")));
        Assert.Equal(1, metrics.Sum("tasks_canceled_total", ("replica_id", ""), ("reason", "client")));
        Assert.Equal(1, metrics.Sum("tasks_canceled_total", ("replica_id", "p-r0"), ("reason", "client")));
        Assert.True(metrics.Sum("tokens_in_total", ("replica_id", "p-r0")) > 0);
        Assert.NotEqual("", metrics.Of("tokens_out_total").First().Labels["engine_version"]);
        Assert.Equal(1, metrics.Count("latency_decode_ms"));
        Assert.True(metrics.Count("latency_first_token_ms") >= 1);
        Assert.Equal(3, metrics.Sum("placement_decisions_total", ("outcome", "queued")));
        Assert.Equal(1, metrics.Sum("placement_decisions_total", ("outcome", "refused")));
        Assert.Equal(1, metrics.Sum("model_state", ("model_id", "stories"), ("state", "Active")));
        Assert.Equal(0, metrics.Sum("model_state", ("model_id", "stories"), ("state", "Retired")));
        // Permissive: no digest, signature or SBOM are tolerated gaps; a digest that is not the file's never is.
        Assert.Equal(1, metrics.Sum("catalog_verifications_total", ("result", "verified"), ("reason", "trust_gaps"), ("engine", "llamacpp")));
        Assert.Equal(1, metrics.Sum("catalog_verifications_total", ("result", "failed"), ("reason", "digest_mismatch"), ("engine", "llamacpp")));
    }

    [Fact]
    public async Task Metrics_need_the_token_only_when_RequireToken_is_set()
    {
        await using (var open = await Orchestrator.StartAsync(false, Orchestrator.Pool(Slow)))
        {
            using var anyone = await Unauthenticated(open.Address).GetAsync("/metrics");
            Assert.Equal(HttpStatusCode.OK, anyone.StatusCode);
            Assert.StartsWith("text/plain", anyone.Content.Headers.ContentType!.MediaType);
        }

        await using var guarded = await Orchestrator.StartAsync(false, [.. Orchestrator.Pool(Slow), "Metrics:RequireToken=true"]);
        using var stranger = await Unauthenticated(guarded.Address).GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.Unauthorized, stranger.StatusCode);
        using var wrong = new HttpRequestMessage(HttpMethod.Get, "/metrics") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", "wrong") } };
        using (var forbidden = await Unauthenticated(guarded.Address).SendAsync(wrong))
            Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        using var holder = await guarded.Http.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, holder.StatusCode);
    }

    private static HttpClient Unauthenticated(Uri address) => new(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = address, Timeout = Patience };

    /// <summary>Scrapes as Prometheus does: no token (orchestratord listens on loopback).</summary>
    private static async Task<PrometheusExposition> ScrapeAsync(Uri address)
    {
        using var http = Unauthenticated(address);
        return PrometheusExposition.Parse(await http.GetStringAsync("/metrics"));
    }

    private static async Task<PrometheusExposition> ScrapeUntilAsync(Uri address, Func<PrometheusExposition, bool> condition)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (true)
        {
            var scraped = await ScrapeAsync(address);
            if (condition(scraped)) return scraped;
            await Task.Delay(50, timeout.Token);
        }
    }
}

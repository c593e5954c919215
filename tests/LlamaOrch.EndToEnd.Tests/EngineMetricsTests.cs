using System.Net;
using System.Text.Json.Nodes;
using LlamaOrch.Testing;
using static LlamaOrch.EndToEnd.Tests.OrchestratordProcess;

namespace LlamaOrch.EndToEnd.Tests;

/// <summary>Each replica's own <c>llamacpp:</c> series on orchestratord's <c>/metrics</c>, labelled with its pool, replica and model.</summary>
public sealed class EngineMetricsTests
{
    private const string Model = "sim:engine-metrics";

    [Fact]
    public async Task Every_replicas_engine_series_are_there_once_per_family_with_the_tokens_of_the_one_that_ran_the_task()
    {
        await using var orchestrator = await Orchestrator.StartAsync(Orchestrator.Pool(Model, replicas: 2));
        await BothEnginesScrapedAsync(orchestrator);
        var done = await orchestrator.AdmitAsync(Orchestrator.Task(Model, maxTokens: 4));
        Assert.Equal("end", (await orchestrator.StreamAsync(done["task_id"]!.GetValue<string>()))[^1].Event);

        var text = await orchestrator.Http.GetStringAsync("/metrics");
        var metrics = PrometheusExposition.Parse(text);

        var predicted = metrics.Of("llamacpp:tokens_predicted_total").ToList();
        Assert.Equal(["p-r0", "p-r1"], predicted.Select(s => s.Labels["replica_id"]).Order(StringComparer.Ordinal));
        Assert.All(predicted, s => Assert.Equal(["model", "pool_id", "replica_id"], s.Labels.Keys.Order(StringComparer.Ordinal)));
        Assert.All(predicted, s => Assert.Equal(("p", Model), (s.Labels["pool_id"], s.Labels["model"])));
        // One task ran, on one replica: its engine counted the tokens, the other's counted none.
        var values = predicted.Select(s => s.Value).Order().ToList();
        Assert.Equal(0, values[0]);
        Assert.True(values[1] > 0);
        Assert.Equal("counter", metrics.Types["llamacpp:tokens_predicted_total"]);
        var families = text.Split('\n').Where(l => l.StartsWith("# TYPE ", StringComparison.Ordinal)).Select(l => l.Split(' ')[2]).ToList();
        Assert.Equal(families.Distinct().Count(), families.Count);
        Assert.Equal(families.Count, text.Split('\n').Count(l => l.StartsWith("# HELP ", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("KILL")]
    [InlineData("STOP")] // alive, but answers nothing: the scrape waits for it only as long as its timeout
    public async Task A_dead_or_silent_engine_leaves_out_only_its_own_series(string signal)
    {
        await using var orchestrator = await Orchestrator.StartAsync(Orchestrator.Pool(Model, replicas: 2));
        await BothEnginesScrapedAsync(orchestrator);
        var pid = orchestrator.Supervisor.EngineProcessIds[0]!.Value;
        Assert.Equal(0, Kill(pid, signal));
        try
        {
            using var response = await orchestrator.Http.GetAsync("/metrics");

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var metrics = PrometheusExposition.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal(0, metrics.Sum("queue_depth", ("pool_id", "p")));
            Assert.NotEmpty(metrics.Of("queue_depth"));
            Assert.Single(metrics.Of("llamacpp:tokens_predicted_total"), s => s.Labels["replica_id"] == "p-r1");
        }
        finally
        {
            if (signal == "STOP") Kill(pid, "CONT");
        }
    }

    [Fact]
    public async Task A_llama_cpp_replica_reports_the_share_of_its_kv_cache_that_the_finished_task_still_holds()
    {
        await using var orchestrator = await Orchestrator.StartAsync(Orchestrator.Pool(RepoPaths.Stories260K, slots: 2));
        var done = await orchestrator.AdmitAsync(Orchestrator.Task(RepoPaths.Stories260K, maxTokens: 8));
        Assert.Equal("end", (await orchestrator.StreamAsync(done["task_id"]!.GetValue<string>()))[^1].Event);

        var metrics = PrometheusExposition.Parse(await orchestrator.Http.GetStringAsync("/metrics"));

        // The slot keeps the task's prompt and text for reuse, so some of the cache is in use after it ends.
        var fromEngine = Assert.Single(metrics.Of("llamacpp:kv_cache_usage_ratio"));
        var ratio = Assert.Single(metrics.Of("kv_cache_usage_ratio"));
        Assert.Equal(("p", "p-r0"), (ratio.Labels["pool_id"], ratio.Labels["replica_id"]));
        Assert.InRange(ratio.Value, double.Epsilon, 1);
        Assert.Equal(fromEngine.Value, ratio.Value);
    }

    /// <summary>The pool is ready with its first replica; waits for the second one's series too.</summary>
    private static async Task BothEnginesScrapedAsync(Orchestrator orchestrator)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (PrometheusExposition.Parse(await orchestrator.Http.GetStringAsync("/metrics")).Of("llamacpp:tokens_predicted_total").Count() < 2)
            await Task.Delay(50, timeout.Token);
    }
}

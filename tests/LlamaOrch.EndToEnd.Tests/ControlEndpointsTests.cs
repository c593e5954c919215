using System.Net;
using System.Text.Json.Nodes;

namespace LlamaOrch.EndToEnd.Tests;

public sealed class ControlEndpointsTests
{
    [Fact]
    public async Task Capabilities_publish_what_a_client_needs_to_derive_safe_concurrency()
    {
        await using var orchestrator = await Orchestrator.StartAsync(
            [.. Orchestrator.Pool("sim:cap?tps=100", slots: 3, replicas: 2, capacity: 40, policy: "drop-lru", ctx: 1024), "Sessions:AffinityWaitMs=100"]);

        var body = JsonNode.Parse(await orchestrator.Http.GetStringAsync("/v1/capabilities"))!;

        // The served version is the one control.yaml publishes, read from the document rather than repeated here.
        var documented = (await OpenApiContracts.LoadAsync(OpenApiContracts.Control)).Info.Version;
        Assert.Equal(documented, body["api_version"]!.GetValue<string>());
        var engine = Assert.Single(body["engines"]!.AsArray())!;
        Assert.Equal("llamacpp", engine["engine"]!.GetValue<string>());
        Assert.Contains("synthetic", engine["engine_version"]!.GetValue<string>());
        Assert.Equal(6, engine["slots"]!.GetValue<int>());
        Assert.Equal(1024, engine["ctx_max"]!.GetValue<int>());
        Assert.Equal(["completion"], engine["supported_workloads"]!.AsArray().Select(w => w!.GetValue<string>()));
        Assert.Equal(40, engine["rate_limits"]!["queue_capacity"]!.GetValue<int>());
        Assert.Equal("drop-lru", engine["rate_limits"]!["full_policy"]!.GetValue<string>());
        Assert.True(engine["features"]!["synthetic"]!.GetValue<bool>());
        Assert.Equal(["v1", "greedy-v1"], body["sampler_profiles"]!.AsArray().Select(p => p!["version"]!.GetValue<string>()));
        Assert.Contains("engine_version", body["determinism"]!["strict"]!.GetValue<string>());
        var sessions = body["features"]!["sessions"]!;
        Assert.True(sessions["kv_reuse"]!.GetValue<bool>());
        Assert.Equal(1_800_000, sessions["idle_ttl_ms"]!.GetValue<long>());
        Assert.Equal(100, sessions["affinity_wait_ms"]!.GetValue<long>());
        Assert.True(sessions["delete_erases_kv"]!.GetValue<bool>());
        Assert.Equal(0, sessions["max_turns"]!.GetValue<int>());
        var budgets = sessions["budgets"]!;
        Assert.Equal("off", budgets["mode"]!.GetValue<string>());
        Assert.Null(budgets["tokens"]);
    }

    [Fact]
    public async Task Pool_health_reports_readiness_and_metrics_and_an_unknown_pool_is_404()
    {
        await using var orchestrator = await Orchestrator.StartAsync(Orchestrator.Pool("sim:h", slots: 2, replicas: 2));
        await orchestrator.WaitUntilAsync(h => h["pools"]![0]!["replicas_ready"]!.GetValue<int>() == 2);

        var health = JsonNode.Parse(await orchestrator.Http.GetStringAsync("/v1/pools/p/health"))!;
        Assert.True(health["live"]!.GetValue<bool>());
        Assert.True(health["ready"]!.GetValue<bool>());
        Assert.False(health["draining"]!.GetValue<bool>());
        Assert.Equal(4, health["metrics"]!["ready_slots"]!.GetValue<int>());
        Assert.Equal(2, health["metrics"]!["replicas_ready"]!.GetValue<int>());

        using var missing = await orchestrator.Http.GetAsync("/v1/pools/nope/health");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("NOT_FOUND", (await Orchestrator.ErrorOf(missing))["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Drain_stops_admitting_lets_short_work_finish_and_ends_the_rest_at_the_deadline()
    {
        const string Model = "sim:drain?tps=20";
        await using var orchestrator = await Orchestrator.StartAsync(Orchestrator.Pool(Model, slots: 2));
        var longTask = (await orchestrator.AdmitAsync(Orchestrator.Task(Model, maxTokens: 200)))["task_id"]!.GetValue<string>();
        var shortTask = (await orchestrator.AdmitAsync(Orchestrator.Task(Model, maxTokens: 2)))["task_id"]!.GetValue<string>();

        using var drain = await orchestrator.PostRawAsync("/v1/pools/p/drain", """{"deadline_ms": 1500}""");
        Assert.Equal(HttpStatusCode.Accepted, drain.StatusCode);

        using var refused = await orchestrator.SubmitAsync(Orchestrator.Task(Model));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Contains("draining", (await Orchestrator.ErrorOf(refused))["message"]!.GetValue<string>());
        var poolHealth = JsonNode.Parse(await orchestrator.Http.GetStringAsync("/v1/pools/p/health"))!;
        Assert.True(poolHealth["draining"]!.GetValue<bool>());
        // Its replica still runs, but the pool takes no task: not ready, so a readiness probe stops sending work.
        Assert.False(poolHealth["ready"]!.GetValue<bool>());
        using (var ready = await orchestrator.Http.GetAsync("/health/ready"))
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.False((await orchestrator.HealthAsync())["ready"]!.GetValue<bool>());

        Assert.Equal("end", (await orchestrator.StreamAsync(shortTask))[^1].Event);
        var cut = (await orchestrator.StreamAsync(longTask))[^1];
        Assert.Equal("error", cut.Event);
        Assert.Equal("POOL_UNAVAILABLE", cut.Str("code"));
        Assert.Contains("drained", cut.Str("message"));

        using var resume = await orchestrator.PostRawAsync("/v1/pools/p/resume", "{}");
        Assert.Equal(HttpStatusCode.Accepted, resume.StatusCode);
        using (var ready = await orchestrator.Http.GetAsync("/health/ready"))
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }

    [Theory]
    [InlineData("{}", "deadline_ms")]
    [InlineData("""{"deadline_ms": -5}""", "deadline_ms")]
    [InlineData("{", "body")]
    public async Task A_bad_drain_request_is_400_naming_the_problem(string json, string field)
    {
        await using var orchestrator = await Orchestrator.StartAsync(Orchestrator.Pool("sim:d"));

        using var response = await orchestrator.PostRawAsync("/v1/pools/p/drain", json);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith(field + ":", (await Orchestrator.ErrorOf(response))["message"]!.GetValue<string>());
        Assert.False(JsonNode.Parse(await orchestrator.Http.GetStringAsync("/v1/pools/p/health"))!["draining"]!.GetValue<bool>());
    }
}

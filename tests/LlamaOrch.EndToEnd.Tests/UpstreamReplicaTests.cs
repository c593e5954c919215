using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using LlamaOrch.Server.Configuration;
using LlamaOrch.Testing;

namespace LlamaOrch.EndToEnd.Tests;

/// <summary>
/// Pools that schedule onto engines orchestratord does not start: a llorch-engine the test runs itself stands in for
/// a remote llama.cpp server (a real llama-server speaks the same protocol; it is not built on this machine).
/// </summary>
public sealed class UpstreamReplicaTests
{
    private static readonly string Model = "file:" + RepoPaths.Stories260K;

    private static string[] UpstreamPool(Uri url, params string[] more) =>
    [
        "Pools:0:Id=p", $"Pools:0:Model={Model}", "Pools:0:Ctx=256", "Pools:0:Queue:Capacity=16",
        $"Pools:0:Upstreams:0:Url={url}", "Pools:0:Upstreams:0:Protocol=llamacpp",
        "Supervisor:HealthIntervalMs=200", "Supervisor:UnhealthyThreshold=2",
        .. more,
    ];

    [Fact]
    public async Task Tasks_run_on_an_upstream_which_goes_down_when_killed_comes_back_when_restarted_and_is_never_killed_by_us()
    {
        await using var upstream = await UpstreamEngine.StartAsync(RepoPaths.Stories260K, "-np", "3", "-c", "768");
        var orchestrator = await Orchestrator.StartAsync(UpstreamPool(upstream.Url));
        try
        {
            // No engine of ours: the one replica is the upstream, with the slots its /props reports.
            Assert.All(orchestrator.Supervisor.EngineProcessIds, pid => Assert.Null(pid));
            var replica = (await orchestrator.Http.GetFromJsonAsync<JsonArray>("/v1/replicasets"))!.Single()!;
            Assert.Equal("p-u0", replica["id"]!.GetValue<string>());
            Assert.Equal(3, replica["slots_total"]!.GetValue<int>());

            var frames = await orchestrator.StreamAsync((await orchestrator.AdmitAsync(Orchestrator.Task(Model, maxTokens: 16)))["task_id"]!.GetValue<string>());
            Assert.Equal("p-u0", frames.Single(f => f.Event == "started").Str("replica_id"));
            Assert.Equal("end", frames[^1].Event);
            Assert.NotEmpty(string.Concat(frames.Where(f => f.Event == "token").Select(f => f.Str("t"))));

            // Killed: the replica goes down, naming the upstream.
            await upstream.KillAsync();
            await orchestrator.WaitUntilAsync(h => h["pools"]![0]!["replicas_ready"]!.GetValue<int>() == 0
                                                   && h["pools"]![0]!["last_error"]?.GetValue<string>()?.Contains(upstream.Url.Authority) == true);

            // While it is down a task queues (the upstream may come back); it runs once the upstream is started again.
            var waiting = (await orchestrator.AdmitAsync(Orchestrator.Task(Model, maxTokens: 8)))["task_id"]!.GetValue<string>();
            var waitingFrames = orchestrator.StreamAsync(waiting);
            await upstream.StartAgainAsync();
            var after = await waitingFrames;
            Assert.Equal("end", after[^1].Event);
            await orchestrator.WaitUntilAsync(h => h["ready"]!.GetValue<bool>() && h["pools"]![0]!["last_error"] is null);
        }
        finally
        {
            await orchestrator.DisposeAsync();
        }

        // Stopping orchestratord leaves the upstream running and serving.
        Assert.False(upstream.Process!.HasExited);
        using var http = new HttpClient();
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri(upstream.Url, "/health"))).StatusCode);
    }

    [Fact]
    public async Task An_upstream_killed_mid_stream_fails_its_task_with_WORKER_RESET_like_a_local_engine()
    {
        const string slow = "sim:slow?tps=20";
        await using var upstream = await UpstreamEngine.StartAsync(slow, "-np", "1", "-c", "512");
        await using var orchestrator = await Orchestrator.StartAsync(
        [
            "Pools:0:Id=p", $"Pools:0:Model={slow}", "Pools:0:Ctx=512", $"Pools:0:Upstreams:0:Url={upstream.Url}", "Pools:0:Upstreams:0:Protocol=llamacpp",
            "Supervisor:HealthIntervalMs=200", "Supervisor:UnhealthyThreshold=2",
        ]);
        var id = (await orchestrator.AdmitAsync(Orchestrator.Task(slow, maxTokens: 200)))["task_id"]!.GetValue<string>();
        var frames = new List<SseFrame>();
        await foreach (var frame in orchestrator.FollowAsync(id))
        {
            frames.Add(frame);
            if (frame.Event == "token" && frame.Int("i") == 0) await upstream.KillAsync();
        }
        Assert.Equal("error", frames[^1].Event);
        Assert.Equal("WORKER_RESET", frames[^1].Str("code"));
        Assert.True(frames[^1].Bool("retriable"));

        await orchestrator.WaitUntilAsync(h => h["pools"]![0]!["replicas_ready"]!.GetValue<int>() == 0);
        await upstream.StartAgainAsync();
        await orchestrator.WaitUntilAsync(h => h["ready"]!.GetValue<bool>());
        var next = (await orchestrator.AdmitAsync(Orchestrator.Task(slow, maxTokens: 2)))["task_id"]!.GetValue<string>();
        Assert.Equal("end", (await orchestrator.StreamAsync(next))[^1].Event);
    }

    [Fact]
    public async Task A_pool_mixes_a_local_replica_and_an_upstream_with_configured_slots()
    {
        await using var upstream = await UpstreamEngine.StartAsync(RepoPaths.Stories260K, "-np", "2", "-c", "512");
        await using var orchestrator = await Orchestrator.StartAsync(UpstreamPool(upstream.Url, "Pools:0:Replicas=1", "Pools:0:Slots=1", "Pools:0:Upstreams:0:Slots=1"));
        await orchestrator.WaitUntilAsync(h => h["pools"]![0]!["replicas_ready"]!.GetValue<int>() == 2);

        var replicas = (await orchestrator.Http.GetFromJsonAsync<JsonArray>("/v1/replicasets"))!;
        Assert.Equal(["p-r0", "p-u0"], replicas.Select(r => r!["id"]!.GetValue<string>()).Order());
        Assert.All(replicas, r => Assert.Equal(1, r!["slots_total"]!.GetValue<int>()));
        Assert.NotNull(orchestrator.Supervisor.EngineProcessId("p-r0"));
        Assert.Null(orchestrator.Supervisor.EngineProcessId("p-u0"));

        // Capabilities count the upstream and promise no strict determinism for a pool with one.
        var engine = Assert.Single(JsonNode.Parse(await orchestrator.Http.GetStringAsync("/v1/capabilities"))!["engines"]!.AsArray())!;
        Assert.Equal(2, engine["replicas"]!.GetValue<int>());
        Assert.Equal(2, engine["slots"]!.GetValue<int>());
        Assert.False(engine["features"]!["determinism_strict"]!.GetValue<bool>());

        // Two one-slot replicas, two tasks at once: placement by load puts one on each.
        var ids = new List<string>();
        for (var i = 0; i < 2; i++) ids.Add((await orchestrator.AdmitAsync(Orchestrator.Task(Model, maxTokens: 200)))["task_id"]!.GetValue<string>());
        var runs = await Task.WhenAll(ids.Select(orchestrator.StreamAsync));
        Assert.All(runs, frames => Assert.Equal("end", frames[^1].Event));
        Assert.Equal(["p-r0", "p-u0"], runs.Select(f => f.Single(x => x.Event == "started").Str("replica_id")).Order());
    }

    [Theory]
    [InlineData("Pools:0:Upstreams:0:Url=ftp://example.org", "Pools:0:Upstreams:0:Url")]
    [InlineData("Pools:0:Upstreams:0:Url=http://user:secret@127.0.0.1:1", "Pools:0:Upstreams:0:Url must not hold credentials")]
    [InlineData("Pools:0:Upstreams:0:Protocol=carrier-pigeon", "Pools:0:Upstreams:0:Protocol 'carrier-pigeon'")]
    [InlineData("Pools:0:Upstreams:0:Slots=0", "Pools:0:Upstreams:0:Slots")]
    [InlineData("Pools:0:Upstreams:0:ApiKeyEnv=LLORCH_TEST_NO_SUCH_VARIABLE", "Pools:0:Upstreams:0:ApiKeyEnv")]
    [InlineData("Pools:0:Upstreams:0:ApiKeyFile=/nonexistent/key", "Pools:0:Upstreams:0:ApiKeyFile")]
    [InlineData("Pools:0:Upstreams:0:CaFile=/nonexistent/ca.pem", "CaFile is set but Orchestrator:Pools:0:Upstreams:0:Url is not https://")]
    public async Task A_bad_upstream_setting_stops_the_start_naming_the_key(string setting, string message)
    {
        var error = await Assert.ThrowsAsync<ConfigurationException>(() =>
            Orchestrator.StartAsync(false, [.. UpstreamPool(new Uri("http://127.0.0.1:1")), setting]));
        Assert.Contains(message, error.Message);
        Assert.DoesNotContain("secret", error.Message);
    }
}

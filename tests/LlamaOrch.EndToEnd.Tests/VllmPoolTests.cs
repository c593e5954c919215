using System.Net;
using System.Text.Json.Nodes;
using LlamaOrch.Engines.Tests.Upstreams;
using LlamaOrch.Server.Configuration;

namespace LlamaOrch.EndToEnd.Tests;

/// <summary>
/// A pool of engine <c>vllm</c>: an OpenAI-compatible server orchestratord does not start, here a 127.0.0.1 stand-in
/// answering OpenAI's documented streaming format (no real vLLM runs on the test machines).
/// </summary>
public sealed class VllmPoolTests
{
    private const string Model = "hf:example/tiny/tiny.gguf";

    private static string[] VllmPool(Uri url) =>
    [
        "Pools:0:Id=v", "Pools:0:Engine=vllm", $"Pools:0:Model={Model}", "Pools:0:Slots=2",
        $"Pools:0:Upstreams:0:Url={url}", "Pools:0:Upstreams:0:Protocol=openai", "Pools:0:Upstreams:0:Model=tiny",
    ];

    private static JsonObject VllmTask(string engine = "vllm")
    {
        var body = Orchestrator.Task(Model, maxTokens: 2);
        body["engine"] = engine;
        return body;
    }

    [Fact]
    public async Task A_task_with_engine_vllm_streams_from_the_upstream_with_its_usage_counts()
    {
        await using var standIn = await OpenAiStandIn.StartAsync();
        await using var orchestrator = await Orchestrator.StartAsync(VllmPool(standIn.Url));

        var frames = await orchestrator.StreamAsync((await orchestrator.AdmitAsync(VllmTask()))["task_id"]!.GetValue<string>());
        Assert.Equal("v-u0", frames.Single(f => f.Event == "started").Str("replica_id"));
        Assert.Equal("Once upon", string.Concat(frames.Where(f => f.Event == "token").Select(f => f.Str("t"))));
        Assert.Equal("end", frames[^1].Event);
        Assert.Equal(2, frames[^1].Int("tokens_out"));

        var engine = Assert.Single(JsonNode.Parse(await orchestrator.Http.GetStringAsync("/v1/capabilities"))!["engines"]!.AsArray())!;
        Assert.Equal("vllm", engine["engine"]!.GetValue<string>());
        Assert.Contains("openai-compatible", engine["engine_version"]!.GetValue<string>());
        Assert.False(engine["features"]!["determinism_strict"]!.GetValue<bool>());

        // The same model asked of an engine no pool runs: the precise refusal, naming the pools there are.
        using var llamacpp = await orchestrator.SubmitAsync(VllmTask("llamacpp"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, llamacpp.StatusCode);
        Assert.Contains("v (vllm:", (await Orchestrator.ErrorOf(llamacpp))["message"]!.GetValue<string>());
        using var tgi = await orchestrator.SubmitAsync(VllmTask("tgi"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, tgi.StatusCode);
        using var triton = await orchestrator.SubmitAsync(VllmTask("triton"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, triton.StatusCode);
    }

    [Fact]
    public async Task A_stream_of_garbage_fails_its_task_and_takes_the_upstream_out_until_its_health_check_passes()
    {
        await using var standIn = await OpenAiStandIn.StartAsync();
        // A long beat, so that the replica is seen out of dispatch before a check brings it back.
        await using var orchestrator = await Orchestrator.StartAsync([.. VllmPool(standIn.Url), "Supervisor:HealthIntervalMs=3000"]);
        standIn.Mode = StandInBehaviour.Garbage;

        var frames = await orchestrator.StreamAsync((await orchestrator.AdmitAsync(VllmTask()))["task_id"]!.GetValue<string>());
        Assert.Equal("error", frames[^1].Event);
        Assert.Equal("WORKER_RESET", frames[^1].Str("code"));
        Assert.Contains("not an OpenAI chunk", frames[^1].Str("message"));
        var pool = (await orchestrator.HealthAsync())["pools"]![0]!;
        Assert.Equal(0, pool["replicas_ready"]!.GetValue<int>());
        Assert.Contains("v-u0", pool["last_error"]!.GetValue<string>());

        // The server behaves again and answers its health check: the replica is back.
        standIn.Mode = StandInBehaviour.Documented;
        await orchestrator.WaitUntilAsync(h => h["pools"]![0]!["replicas_ready"]!.GetValue<int>() == 1 && h["pools"]![0]!["last_error"] is null);
        var next = await orchestrator.StreamAsync((await orchestrator.AdmitAsync(VllmTask()))["task_id"]!.GetValue<string>());
        Assert.Equal("end", next[^1].Event);
    }

    [Fact]
    public async Task A_vllm_pool_without_openai_upstreams_stops_the_start()
    {
        var error = await Assert.ThrowsAsync<ConfigurationException>(() =>
            Orchestrator.StartAsync(false, "Pools:0:Id=v", "Pools:0:Engine=vllm", $"Pools:0:Model={Model}"));
        Assert.Contains("Orchestrator:Pools:0:Engine 'vllm' needs", error.Message);
    }
}

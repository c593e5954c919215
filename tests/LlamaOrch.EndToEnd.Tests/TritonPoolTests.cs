using System.Net;
using System.Text.Json.Nodes;
using LlamaOrch.Engines.Tests.Upstreams;
using LlamaOrch.Server.Configuration;

namespace LlamaOrch.EndToEnd.Tests;

/// <summary>
/// A pool of engine <c>triton</c>: a Triton server orchestratord does not start, here a 127.0.0.1 stand-in answering
/// the generate extension's documented format as the vLLM backend fills it (no real Triton runs on the test machines).
/// </summary>
public sealed class TritonPoolTests
{
    [Fact]
    public async Task A_task_with_engine_triton_streams_from_the_upstream_with_its_counts()
    {
        await using var standIn = await TritonStandIn.StartAsync();
        await using var orchestrator = await Orchestrator.StartAsync(UpstreamFailureTests.Pool("triton", standIn.Url));

        var frames = await orchestrator.StreamAsync((await orchestrator.AdmitAsync(UpstreamFailureTests.TaskFor("triton")))["task_id"]!.GetValue<string>());
        Assert.Equal("u-u0", frames.Single(f => f.Event == "started").Str("replica_id"));
        Assert.Equal("Once upon", string.Concat(frames.Where(f => f.Event == "token").Select(f => f.Str("t"))));
        Assert.Equal("end", frames[^1].Event);
        Assert.Equal(3, frames[^1].Int("tokens_out"));
        Assert.Equal(4, frames[^1].Int("tokens_in"));

        var engine = Assert.Single(JsonNode.Parse(await orchestrator.Http.GetStringAsync("/v1/capabilities"))!["engines"]!.AsArray())!;
        Assert.Equal("triton", engine["engine"]!.GetValue<string>());
        Assert.Equal("triton 2.52.0, model tiny-trt", engine["engine_version"]!.GetValue<string>());
        Assert.False(engine["features"]!["determinism_strict"]!.GetValue<bool>());
        Assert.Equal("estimated_if_unreported", engine["features"]!["token_counts"]!.GetValue<string>()); // a TensorRT-LLM model sends no counts

        // The same model asked of engines no pool runs: the precise 503 naming the pools there are.
        foreach (var other in new[] { "llamacpp", "vllm", "tgi" })
        {
            var body = UpstreamFailureTests.TaskFor("triton");
            body["engine"] = other;
            using var refused = await orchestrator.SubmitAsync(body);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.Contains("u (triton:", (await Orchestrator.ErrorOf(refused))["message"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task A_triton_upstream_without_its_model_name_or_a_triton_pool_without_triton_upstreams_stops_the_start()
    {
        var noModel = await Assert.ThrowsAsync<ConfigurationException>(() => Orchestrator.StartAsync(false,
            "Pools:0:Id=t", "Pools:0:Engine=triton", "Pools:0:Model=hf:example/tiny/tiny.gguf",
            "Pools:0:Upstreams:0:Url=http://127.0.0.1:9", "Pools:0:Upstreams:0:Protocol=triton"));
        Assert.Contains("Orchestrator:Pools:0:Upstreams:0:Model is required with Protocol triton", noModel.Message);

        var noUpstream = await Assert.ThrowsAsync<ConfigurationException>(() => Orchestrator.StartAsync(false,
            "Pools:0:Id=t", "Pools:0:Engine=triton", "Pools:0:Model=hf:example/tiny/tiny.gguf"));
        Assert.Contains("Orchestrator:Pools:0:Engine 'triton' needs Orchestrator:Pools:0:Upstreams with Protocol triton", noUpstream.Message);

        var badStall = await Assert.ThrowsAsync<ConfigurationException>(() => Orchestrator.StartAsync(false,
            "Pools:0:Id=t", "Pools:0:Engine=triton", "Pools:0:Model=hf:example/tiny/tiny.gguf",
            "Pools:0:Upstreams:0:Url=http://127.0.0.1:9", "Pools:0:Upstreams:0:Protocol=triton", "Pools:0:Upstreams:0:Model=m",
            "Pools:0:Upstreams:0:StallTimeoutSeconds=0"));
        Assert.Contains("Orchestrator:Pools:0:Upstreams:0:StallTimeoutSeconds must be positive", badStall.Message);
    }
}

using LlamaOrch.Core.Engines;
using LlamaOrch.Core.Pools;
using LlamaOrch.Engines.Upstreams;

namespace LlamaOrch.Engines.Tests.Upstreams;

/// <summary>The Triton adapter against a 127.0.0.1 stand-in answering the generate extension's documented format (no real Triton runs here).</summary>
public sealed class TritonEngineClientTests
{
    private static (HttpClient Http, IUpstreamEngine Client) Connect(TritonStandIn standIn)
    {
        var upstream = new UpstreamConfig(standIn.Url, UpstreamProtocol.Triton) { Model = TritonStandIn.Model };
        var http = UpstreamHttp.Create(upstream, slots: 2);
        return (http, UpstreamEngines.For(upstream, http, http));
    }

    private static async Task<(string Text, EngineFinal? Final)> RunAsync(IEngineClient client, EngineCompletionRequest request)
    {
        var text = "";
        EngineFinal? final = null;
        await foreach (var chunk in client.StreamCompletionAsync(request, CancellationToken.None))
        {
            text += chunk.Text;
            final ??= chunk.Final;
        }
        return (text, final);
    }

    [Fact]
    public async Task Streams_text_output_with_the_vllm_backends_counts_and_finish_reason_and_reads_the_server_metadata()
    {
        await using var standIn = await TritonStandIn.StartAsync();
        var (http, client) = Connect(standIn);
        using var _ = http;

        Assert.True(await client.IsHealthyAsync(CancellationToken.None));
        var facts = await client.GetFactsAsync(512, 2, CancellationToken.None);
        Assert.Equal("triton 2.52.0, model tiny-trt", facts.EngineVersion);
        Assert.Equal(512, facts.CtxPerSlot); // Triton does not say: as configured

        var (text, final) = await RunAsync(client, new EngineCompletionRequest("Once", 8, 7, SamplingProfile.GreedyV1, false, "c1", Stop: ["."]));
        Assert.Equal("Once upon", text);
        Assert.Equal(4, final!.TokensIn);
        Assert.Equal(3, final.TokensOut);
        Assert.Equal("eos", final.StopType);
        var sent = Assert.Single(standIn.Bodies);
        Assert.Contains("\"text_input\":\"Once\"", sent);
        Assert.Contains("\"stream\":true", sent);
        Assert.Contains("\"max_tokens\":8", sent);
        Assert.Contains("\"top_k\":1", sent); // greedy as top_k 1: TensorRT-LLM refuses a temperature of 0
        Assert.DoesNotContain("temperature", sent);
        Assert.Contains("\"stop\":[\".\"]", sent);
        Assert.Contains("\"seed\":7", sent);
        Assert.Contains("\"exclude_input_in_output\":true", sent);
        Assert.Contains("\"return_num_output_tokens\":true", sent);
    }

    [Fact]
    public async Task A_backend_that_sends_text_only_gets_estimated_counts_one_token_per_event()
    {
        await using var standIn = await TritonStandIn.StartAsync();
        standIn.TextOnly = true;
        var (http, client) = Connect(standIn);
        using var _ = http;

        var (text, final) = await RunAsync(client, new EngineCompletionRequest("Once", 2, 7, SamplingProfile.V1, false, "c1"));
        Assert.Equal("Once upon", text);
        Assert.Equal(0, final!.TokensIn);
        Assert.Equal(2, final.TokensOut);
        Assert.Equal("limit", final.StopType); // as many pieces as max_tokens: taken as the limit
        var sent = Assert.Single(standIn.Bodies);
        Assert.Contains("\"temperature\":", sent);
    }

    [Fact]
    public async Task A_model_that_is_not_ready_fails_the_health_check()
    {
        await using var standIn = await TritonStandIn.StartAsync();
        standIn.ModelReady = false;
        var (http, client) = Connect(standIn);
        using var _ = http;
        Assert.False(await client.IsHealthyAsync(CancellationToken.None));
    }

    [Fact]
    public async Task An_error_object_mid_stream_fails_the_call_with_its_message()
    {
        await using var standIn = await TritonStandIn.StartAsync();
        standIn.FailsInference = true;
        var (http, client) = Connect(standIn);
        using var _ = http;

        var failure = await Assert.ThrowsAsync<EngineFailureException>(() => RunAsync(client, new EngineCompletionRequest("Once", 8, 7, SamplingProfile.V1, false, "c1")));
        Assert.Contains("out of KV cache blocks", failure.Message);
        Assert.True(failure.Retriable);
    }
}

using LlamaOrch.Core.Engines;
using LlamaOrch.Core.Pools;
using LlamaOrch.Engines.Upstreams;

namespace LlamaOrch.Engines.Tests.Upstreams;

/// <summary>The TGI adapter against a 127.0.0.1 stand-in answering TGI's documented <c>/generate_stream</c> format.</summary>
public sealed class TgiEngineClientTests
{
    [Fact]
    public async Task Streams_tokens_hides_the_special_end_token_and_takes_counts_and_stop_reason_from_details()
    {
        await using var standIn = await TgiStandIn.StartAsync();
        var upstream = new UpstreamConfig(standIn.Url, UpstreamProtocol.Tgi);
        using var http = UpstreamHttp.Create(upstream, slots: 2);
        var client = UpstreamEngines.For(upstream, http, http);

        Assert.True(await client.IsHealthyAsync(CancellationToken.None));
        var facts = await client.GetFactsAsync(512, 2, CancellationToken.None);
        Assert.Equal("tgi 2.4.0, model tiny-tgi", facts.EngineVersion);
        Assert.Equal(2048, facts.CtxPerSlot);

        var text = "";
        EngineFinal? final = null;
        await foreach (var chunk in client.StreamCompletionAsync(new EngineCompletionRequest("Once", 8, 7, SamplingProfile.GreedyV1, false, "c1", Stop: ["."]), CancellationToken.None))
        {
            text += chunk.Text;
            final ??= chunk.Final;
        }
        Assert.Equal("Once upon", text);
        Assert.Equal(4, final!.TokensIn);
        Assert.Equal(3, final.TokensOut);
        Assert.Equal("eos", final.StopType);
        var sent = Assert.Single(standIn.Bodies);
        Assert.Contains("\"inputs\":\"Once\"", sent);
        Assert.Contains("\"max_new_tokens\":8", sent);
        Assert.Contains("\"do_sample\":false", sent); // greedy: no temperature sent, which TGI would refuse at 0
        Assert.DoesNotContain("temperature", sent);
        Assert.Contains("\"stop\":[\".\"]", sent);
    }

    [Fact]
    public async Task A_stream_closed_before_its_details_is_a_retriable_failure()
    {
        await using var standIn = await TgiStandIn.StartAsync();
        standIn.Mode = StandInBehaviour.EndsEarly;
        var upstream = new UpstreamConfig(standIn.Url, UpstreamProtocol.Tgi);
        using var http = UpstreamHttp.Create(upstream, slots: 1);
        var client = UpstreamEngines.For(upstream, http, http);

        var failure = await Assert.ThrowsAsync<EngineFailureException>(async () =>
        {
            await foreach (var _ in client.StreamCompletionAsync(new EngineCompletionRequest("Once", 8, 7, SamplingProfile.V1, false, "c1"), CancellationToken.None))
            {
            }
        });
        Assert.Contains("closed the stream", failure.Message);
        Assert.True(failure.Retriable);
    }
}

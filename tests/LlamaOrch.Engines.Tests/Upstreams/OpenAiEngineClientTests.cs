using LlamaOrch.Core.Engines;
using LlamaOrch.Core.Pools;
using LlamaOrch.Engines.OpenAiProtocol;
using LlamaOrch.Engines.Upstreams;

namespace LlamaOrch.Engines.Tests.Upstreams;

/// <summary>The OpenAI-compatible adapter against a 127.0.0.1 stand-in that answers OpenAI's documented wire format.</summary>
public sealed class OpenAiEngineClientTests
{
    private static EngineCompletionRequest Completion(int maxTokens = 2) =>
        new("Once", maxTokens, 7, SamplingProfile.V1, Strict: false, CorrelationId: "c1", Stop: ["\n"]);

    private static async Task<(OpenAiStandIn StandIn, HttpClient Http, IUpstreamEngine Client)> StartAsync()
    {
        var standIn = await OpenAiStandIn.StartAsync();
        var upstream = new UpstreamConfig(standIn.Url, UpstreamProtocol.OpenAi);
        var http = UpstreamHttp.Create(upstream, slots: 2);
        return (standIn, http, UpstreamEngines.For(upstream, http, http));
    }

    private static async Task<(string Text, EngineFinal? Final)> RunAsync(IEngineClient client, EngineCompletionRequest request, CancellationToken cancellationToken = default)
    {
        var text = "";
        EngineFinal? final = null;
        await foreach (var chunk in client.StreamCompletionAsync(request, cancellationToken))
        {
            text += chunk.Text;
            final ??= chunk.Final;
        }
        return (text, final);
    }

    [Fact]
    public async Task Streams_text_with_token_counts_from_usage_and_reads_its_facts_from_v1_models()
    {
        var (standIn, http, client) = await StartAsync();
        await using var _ = standIn;
        using var __ = http;

        Assert.True(await client.IsHealthyAsync(CancellationToken.None));
        var facts = await client.GetFactsAsync(512, 4, CancellationToken.None);
        Assert.Equal(2048, facts.CtxPerSlot);
        Assert.Equal(4, facts.TotalSlots);
        Assert.Contains("vllm", facts.EngineVersion);

        var (text, final) = await RunAsync(client, Completion());
        Assert.Equal("Once upon", text);
        Assert.Equal(3, final!.TokensIn);
        Assert.Equal(2, final.TokensOut);
        Assert.Equal("limit", final.StopType);
        var sent = Assert.Single(standIn.CompletionBodies);
        Assert.Contains("\"model\":\"tiny\"", sent);
        Assert.Contains("\"stream_options\":{\"include_usage\":true}", sent);
        Assert.Contains("\"stop\":[\"\\n\"]", sent);

        var vectors = await client.EmbedAsync(["a", "b"], "c2", CancellationToken.None);
        Assert.Equal([1f, 0f], vectors[0].Vector);
        Assert.Equal([0f, 1f], vectors[1].Vector);
    }

    [Theory]
    [InlineData(true, "not an OpenAI chunk")]
    [InlineData(false, "closed the stream before [DONE]")]
    public async Task A_stream_of_garbage_or_one_closed_early_is_a_clear_retriable_failure(bool garbage, string message)
    {
        var (standIn, http, client) = await StartAsync();
        await using var _ = standIn;
        using var __ = http;
        await client.GetFactsAsync(512, 4, CancellationToken.None);
        standIn.Mode = garbage ? StandInBehaviour.Garbage : StandInBehaviour.EndsEarly;

        var failure = await Assert.ThrowsAsync<EngineFailureException>(() => RunAsync(client, Completion()));
        Assert.Contains(message, failure.Message);
        Assert.True(failure.Retriable);
    }

    [Fact]
    public async Task Cancelling_a_stalled_stream_closes_the_request()
    {
        var (standIn, http, client) = await StartAsync();
        await using var _ = standIn;
        using var __ = http;
        await client.GetFactsAsync(512, 4, CancellationToken.None);
        standIn.Mode = StandInBehaviour.Stalls;

        using var cancel = new CancellationTokenSource();
        var run = RunAsync(client, Completion(), cancel.Token);
        await Task.Run(async () =>
        {
            while (standIn.CompletionBodies.Count == 0) await Task.Delay(10);
        }).WaitAsync(TimeSpan.FromSeconds(30));
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        await standIn.Aborted.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task A_model_the_upstream_does_not_serve_is_named_in_the_failure()
    {
        await using var standIn = await OpenAiStandIn.StartAsync();
        var upstream = new UpstreamConfig(standIn.Url, UpstreamProtocol.OpenAi) { Model = "huge" };
        using var http = UpstreamHttp.Create(upstream, slots: 1);
        var client = UpstreamEngines.For(upstream, http, http);
        var failure = await Assert.ThrowsAsync<EngineFailureException>(() => client.GetFactsAsync(512, 1, CancellationToken.None));
        Assert.Contains("'huge'", failure.Message);
        Assert.Contains("tiny", failure.Message);
    }
}

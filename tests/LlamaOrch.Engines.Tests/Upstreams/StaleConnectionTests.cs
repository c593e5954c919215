using LlamaOrch.Core.Engines;
using LlamaOrch.Core.Pools;
using LlamaOrch.Engines.LlamaCppProtocol;
using LlamaOrch.Engines.Upstreams;

namespace LlamaOrch.Engines.Tests.Upstreams;

/// <summary>Issue 18, defect 1: a request that fails on a connection the server has dropped is sent again on a fresh one.</summary>
public sealed class StaleConnectionTests
{
    private static EngineCompletionRequest Completion(int n) =>
        new("Once", 2, n, SamplingProfile.V1, Strict: false, CorrelationId: $"c{n}");

    [Fact]
    public async Task Completions_and_tokenize_on_a_server_that_drops_reused_connections_all_succeed()
    {
        await using var server = new KeepAliveLiar();
        using var http = UpstreamHttp.Create(new UpstreamConfig(server.BaseAddress, UpstreamProtocol.LlamaCpp), slots: 1);
        using var fresh = UpstreamHttp.CreateFresh(new UpstreamConfig(server.BaseAddress, UpstreamProtocol.LlamaCpp));
        var client = new LlamaCppEngineClient(http, server.BaseAddress, fresh);

        for (var n = 0; n < 6; n++)
        {
            var text = "";
            EngineFinal? final = null;
            await foreach (var chunk in client.StreamCompletionAsync(Completion(n), CancellationToken.None))
            {
                text += chunk.Text;
                final ??= chunk.Final;
            }
            Assert.Equal("Once upon", text);
            Assert.Equal(2, final!.TokensOut);
            Assert.Equal(3, await client.CountTokensAsync("Once", CancellationToken.None));
        }

        // The reuse really happened (and was dropped) rather than every request getting a new connection by luck.
        Assert.True(server.Dropped > 0, "no request was sent on a reused connection");
    }

    [Fact]
    public async Task Without_the_retry_the_same_server_makes_a_request_fail_as_unreachable()
    {
        // The defect as it was: the stand-in really does break a pooled client, so the test above proves the retry.
        await using var server = new KeepAliveLiar();
        using var http = UpstreamHttp.Create(new UpstreamConfig(server.BaseAddress, UpstreamProtocol.LlamaCpp), slots: 1);
        var client = new LlamaCppEngineClient(http, server.BaseAddress, fresh: null);

        Assert.Equal(3, await client.CountTokensAsync("Once", CancellationToken.None));
        var failure = await Assert.ThrowsAsync<EngineFailureException>(() => client.CountTokensAsync("Once", CancellationToken.None));
        Assert.Contains("unreachable", failure.Message);
    }

    [Fact]
    public async Task The_api_key_goes_on_every_request_including_the_retried_ones()
    {
        var key = new UpstreamSecret("test-key-" + Guid.NewGuid().ToString("N"));
        await using var server = new KeepAliveLiar();
        var upstream = new UpstreamConfig(server.BaseAddress, UpstreamProtocol.LlamaCpp) { ApiKey = key };
        using var http = UpstreamHttp.Create(upstream, slots: 1);
        using var fresh = UpstreamHttp.CreateFresh(upstream);
        var client = new LlamaCppEngineClient(http, server.BaseAddress, fresh);

        for (var n = 0; n < 3; n++) Assert.Equal(3, await client.CountTokensAsync("Once", CancellationToken.None));

        Assert.NotEmpty(server.Authorizations);
        Assert.All(server.Authorizations, a => Assert.Equal("Bearer " + key.Reveal(), a));
        Assert.DoesNotContain(key.Reveal(), upstream.ToString());
    }

    [Fact]
    public async Task A_token_count_asks_for_the_special_tokens_the_model_adds()
    {
        // Issue 18, defect 4: llama-server's /tokenize leaves the BOS out unless add_special is true.
        await using var server = new KeepAliveLiar();
        using var http = UpstreamHttp.Create(new UpstreamConfig(server.BaseAddress, UpstreamProtocol.LlamaCpp), slots: 1);
        var client = new LlamaCppEngineClient(http, server.BaseAddress);

        await client.CountTokensAsync("Once", CancellationToken.None);

        var (_, body) = Assert.Single(server.Bodies, b => b.Path == "/tokenize");
        Assert.Contains("\"add_special\":true", body);
    }
}

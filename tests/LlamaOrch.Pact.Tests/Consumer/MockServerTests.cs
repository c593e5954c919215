using System.Text.Json.Nodes;
using LlamaOrch.Client;
using LlamaOrch.Pact.Tests.Ffi;

namespace LlamaOrch.Pact.Tests.Consumer;

/// <summary>The P/Invoke layer's own checks: a mock server that got the wrong request says so, in its mismatches.</summary>
public sealed class MockServerTests
{
    [Fact]
    public async Task A_request_the_pact_does_not_describe_is_answered_500_and_reported_beside_the_one_that_went_missing()
    {
        using var pact = new PactBuilder("llorch-cli-selftest", "orchestratord-selftest");
        pact.UponReceiving("a session's report")
            .WithRequest("GET", "/v1/sessions/7d3b1f60-5c2e-4a8b-9f14-2e6c0a9d5b09")
            .WillRespondWith(200)
            .WithResponseJson(new JsonObject { ["session_id"] = Match.Like("7d3b1f60-5c2e-4a8b-9f14-2e6c0a9d5b09") });
        using var server = pact.StartMockServer();
        using var client = new LlamaOrchClient(new LlamaOrchClientOptions { BaseAddress = server.Address, Retry = new RetryOptions { MaxRetries = 0 } });

        var refused = await Assert.ThrowsAsync<LlamaOrchApiException>(() => client.GetSessionAsync("7d3b1f60-5c2e-4a8b-9f14-2e6c0a9d5b10"));
        Assert.Equal(500, (int)refused.StatusCode);

        Assert.False(server.AllMatched);
        var mismatches = server.Mismatches;
        // The request that came and matched nothing, and the one the pact expected that never came.
        Assert.Contains("/v1/sessions/7d3b1f60-5c2e-4a8b-9f14-2e6c0a9d5b10", mismatches, StringComparison.Ordinal);
        Assert.Contains("request-not-found", mismatches, StringComparison.Ordinal);
        Assert.Contains("missing-request", mismatches, StringComparison.Ordinal);
        Assert.Contains("/v1/sessions/7d3b1f60-5c2e-4a8b-9f14-2e6c0a9d5b09", mismatches, StringComparison.Ordinal);
    }
}

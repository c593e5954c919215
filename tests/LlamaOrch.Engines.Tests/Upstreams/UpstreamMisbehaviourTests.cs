using LlamaOrch.Contracts.Errors;
using LlamaOrch.Core.Engines;
using LlamaOrch.Core.Pools;
using LlamaOrch.Engines.Upstreams;

namespace LlamaOrch.Engines.Tests.Upstreams;

/// <summary>
/// Every protocol's adapter against its stand-in when the upstream stalls mid-stream (holds the response open and
/// sends nothing) or cuts the connection: a retriable <c>WORKER_RESET</c> that says which, and for a stall the request
/// is closed. The stall timeout is small here; nothing waits on a clock but the guard itself.
/// </summary>
public sealed class UpstreamMisbehaviourTests
{
    public static TheoryData<string> Protocols => ["llamacpp", "openai", "tgi", "triton"];

    internal static (HttpClient Http, IUpstreamEngine Client) Connect(StandInServer standIn, string protocol, TimeSpan stall)
    {
        var upstream = new UpstreamConfig(standIn.Url, protocol switch
        {
            "llamacpp" => UpstreamProtocol.LlamaCpp,
            "openai" => UpstreamProtocol.OpenAi,
            "tgi" => UpstreamProtocol.Tgi,
            _ => UpstreamProtocol.Triton,
        })
        {
            Model = protocol switch { "openai" => "tiny", "triton" => TritonStandIn.Model, _ => null },
            StallTimeout = stall,
        };
        var http = UpstreamHttp.Create(upstream, slots: 1);
        return (http, UpstreamEngines.For(upstream, http, http));
    }

    internal static async Task RunAsync(IEngineClient client)
    {
        await foreach (var _ in client.StreamCompletionAsync(new EngineCompletionRequest("Once", 8, 7, SamplingProfile.V1, false, "c1"), CancellationToken.None))
        {
        }
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task A_stream_that_stalls_past_the_stall_timeout_fails_as_stalled_and_the_request_is_closed(string protocol)
    {
        await using var standIn = await StandInServer.StartAsync(protocol);
        var (http, client) = Connect(standIn, protocol, TimeSpan.FromMilliseconds(500));
        using var _ = http;
        await client.GetFactsAsync(512, 1, CancellationToken.None); // the OpenAI adapter learns its model here
        standIn.Mode = StandInBehaviour.Stalls;

        var failure = await Assert.ThrowsAsync<EngineFailureException>(() => RunAsync(client));
        Assert.Equal(ErrorCodes.WorkerReset, failure.Code);
        Assert.Contains("stalled: sent no byte for 0.5 s", failure.Message);
        Assert.True(failure.Retriable);
        await standIn.Aborted.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task A_connection_cut_mid_stream_is_a_retriable_worker_reset(string protocol)
    {
        await using var standIn = await StandInServer.StartAsync(protocol);
        var (http, client) = Connect(standIn, protocol, UpstreamConfig.DefaultStallTimeout);
        using var _ = http;
        await client.GetFactsAsync(512, 1, CancellationToken.None);
        standIn.Mode = StandInBehaviour.Drops;

        var failure = await Assert.ThrowsAsync<EngineFailureException>(() => RunAsync(client));
        Assert.Equal(ErrorCodes.WorkerReset, failure.Code);
        Assert.True(failure.Retriable);
        // Kestrel's abort may discard the first event before it left the socket: then the client saw no answer at all.
        Assert.True(failure.Message.Contains("went away mid-stream", StringComparison.Ordinal) || failure.Message.Contains("is unreachable", StringComparison.Ordinal), failure.Message);
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task A_stream_that_keeps_sending_is_never_cut_by_the_stall_timeout(string protocol)
    {
        await using var standIn = await StandInServer.StartAsync(protocol);
        var (http, client) = Connect(standIn, protocol, TimeSpan.FromSeconds(5));
        using var _ = http;
        await client.GetFactsAsync(512, 1, CancellationToken.None);
        for (var i = 0; i < 3; i++) await RunAsync(client);
        Assert.Equal(3, standIn.Bodies.Count);
    }
}

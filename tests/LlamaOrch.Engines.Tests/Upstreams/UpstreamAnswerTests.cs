using LlamaOrch.Contracts.Errors;
using LlamaOrch.Core.Engines;
using LlamaOrch.Core.Pools;
using LlamaOrch.Engines.Upstreams;
using static LlamaOrch.Engines.Tests.Upstreams.UpstreamMisbehaviourTests;

namespace LlamaOrch.Engines.Tests.Upstreams;

/// <summary>
/// Every protocol's adapter against a stand-in that answers with something other than its stream: an error status
/// (whose fault it is decides the code and whether a retry helps), an error body that is huge or stalls, a redirect
/// (never followed), a frame with no line break (refused past 1 MiB), and for Triton a 200 page that is no event stream.
/// </summary>
public sealed class UpstreamAnswerTests
{
    public static TheoryData<string> Protocols => ["llamacpp", "openai", "tgi", "triton"];

    public static TheoryData<string, int, string, bool> Statuses()
    {
        var data = new TheoryData<string, int, string, bool>();
        foreach (var protocol in new[] { "llamacpp", "openai", "tgi", "triton" })
        {
            data.Add(protocol, 400, ErrorCodes.InvalidParams, false);
            data.Add(protocol, 404, ErrorCodes.InvalidParams, false);
            data.Add(protocol, 422, ErrorCodes.InvalidParams, false);
            data.Add(protocol, 401, ErrorCodes.Internal, false);
            data.Add(protocol, 403, ErrorCodes.Internal, false);
            data.Add(protocol, 429, ErrorCodes.Internal, true);
            data.Add(protocol, 503, ErrorCodes.Internal, true);
        }
        return data;
    }

    private static async Task<(StandInServer StandIn, HttpClient Http, IUpstreamEngine Client)> StartAsync(string protocol, TimeSpan stall)
    {
        var standIn = await StandInServer.StartAsync(protocol);
        var (http, client) = Connect(standIn, protocol, stall);
        await client.GetFactsAsync(512, 1, CancellationToken.None); // the OpenAI adapter learns its model here
        return (standIn, http, client);
    }

    [Theory]
    [MemberData(nameof(Statuses))]
    public async Task An_error_status_is_the_clients_fault_only_for_the_request_itself_and_a_retry_is_offered_where_one_may_help(
        string protocol, int status, string code, bool retriable)
    {
        var (standIn, http, client) = await StartAsync(protocol, UpstreamConfig.DefaultStallTimeout);
        await using var _ = standIn;
        using var __ = http;
        standIn.Answer = BadAnswers.Status(status);

        var failure = await Assert.ThrowsAsync<EngineFailureException>(() => RunAsync(client));
        Assert.Equal(code, failure.Code);
        Assert.Equal(retriable, failure.Retriable);
        Assert.Contains($"({status})", failure.Message);
        if (status is 401 or 403) Assert.Contains("check the upstream's API key", failure.Message);
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task An_error_body_that_stalls_is_a_retriable_worker_reset(string protocol)
    {
        var (standIn, http, client) = await StartAsync(protocol, TimeSpan.FromMilliseconds(500));
        await using var _ = standIn;
        using var __ = http;
        standIn.Answer = BadAnswers.StalledErrorBody(standIn);

        var failure = await Assert.ThrowsAsync<EngineFailureException>(() => RunAsync(client));
        Assert.Equal(ErrorCodes.WorkerReset, failure.Code);
        Assert.True(failure.Retriable);
        Assert.Contains("stalled", failure.Message);
        await standIn.Aborted.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task Only_the_head_of_an_error_body_is_read_and_the_call_fails_with_the_status_while_the_rest_is_still_coming(string protocol)
    {
        // The body never ends: reading it whole would end only in a stall, after the guard's 5 s.
        var (standIn, http, client) = await StartAsync(protocol, TimeSpan.FromSeconds(5));
        await using var _ = standIn;
        using var __ = http;
        standIn.Answer = BadAnswers.EndlessErrorBody(standIn);

        var failure = await Assert.ThrowsAsync<EngineFailureException>(() => RunAsync(client));
        Assert.Equal(ErrorCodes.Internal, failure.Code);
        Assert.True(failure.Retriable);
        Assert.Contains("failed (500): xxx", failure.Message);
        Assert.True(failure.Message.Length < 1000, failure.Message);
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task A_redirect_is_not_followed_the_other_host_gets_nothing_and_the_call_fails(string protocol)
    {
        var (standIn, http, client) = await StartAsync(protocol, UpstreamConfig.DefaultStallTimeout);
        await using var _ = standIn;
        using var __ = http;
        await using var elsewhere = await StandInServer.StartAsync(protocol);
        standIn.Answer = BadAnswers.RedirectTo(elsewhere.Url);

        var failure = await Assert.ThrowsAsync<EngineFailureException>(() => RunAsync(client));
        Assert.Equal(ErrorCodes.WorkerReset, failure.Code);
        Assert.Contains("redirect (307) to 127.0.0.1", failure.Message);
        Assert.Empty(elsewhere.Bodies);
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task A_health_check_answered_with_a_redirect_to_a_healthy_server_is_not_healthy(string protocol)
    {
        var (standIn, http, client) = await StartAsync(protocol, UpstreamConfig.DefaultStallTimeout);
        await using var _ = standIn;
        using var __ = http;
        await using var elsewhere = await StandInServer.StartAsync(protocol);
        Assert.True(await client.IsHealthyAsync(CancellationToken.None));
        standIn.Answer = BadAnswers.RedirectTo(elsewhere.Url);

        Assert.False(await client.IsHealthyAsync(CancellationToken.None));
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task A_frame_past_1_MiB_without_a_line_break_fails_the_call_naming_the_limit(string protocol)
    {
        var (standIn, http, client) = await StartAsync(protocol, UpstreamConfig.DefaultStallTimeout);
        await using var _ = standIn;
        using var __ = http;
        standIn.Answer = BadAnswers.LineWithoutBreak();

        var failure = await Assert.ThrowsAsync<EngineFailureException>(() => RunAsync(client));
        Assert.Equal(ErrorCodes.WorkerReset, failure.Code);
        Assert.True(failure.Retriable);
        Assert.Contains("frame larger than 1 MiB without a line break", failure.Message);
    }

    [Fact]
    public async Task A_triton_200_that_is_no_event_stream_fails_rather_than_ending_as_an_empty_completion()
    {
        var (standIn, http, client) = await StartAsync("triton", UpstreamConfig.DefaultStallTimeout);
        await using var _ = standIn;
        using var __ = http;
        standIn.Answer = BadAnswers.HtmlPage();

        var failure = await Assert.ThrowsAsync<EngineFailureException>(() => RunAsync(client));
        Assert.Equal(ErrorCodes.WorkerReset, failure.Code);
        Assert.Contains("text/html, not a Triton generate event stream", failure.Message);
    }
}

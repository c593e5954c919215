using LlamaOrch.Core.Engines;
using LlamaOrch.Engines.LlamaCppProtocol;
using LlamaOrch.Engines.Tests.Upstreams;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace LlamaOrch.Engines.Tests.LlamaCppProtocol;

/// <summary>An engine's error frame after some tokens: what the adapter hands on does not depend on how TCP split the bytes.</summary>
public sealed class ErrorFrameTests
{
    [Fact]
    public async Task Tokens_that_arrive_in_the_same_read_as_an_error_frame_come_out_before_the_error()
    {
        await using var engine = await TokensThenError.StartAsync();
        using var http = new HttpClient();
        var client = new LlamaCppEngineClient(http, engine.Url);
        var texts = new List<string>();

        var failure = await Assert.ThrowsAsync<EngineFailureException>(async () =>
        {
            await foreach (var chunk in client.StreamCompletionAsync(new EngineCompletionRequest("Once", 8, 7, SamplingProfile.V1, false, "c1"), CancellationToken.None))
                texts.Add(chunk.Text);
        });

        Assert.Equal(["Once", " upon"], texts);
        Assert.Contains("out of memory", failure.Message);
    }

    /// <summary>Two token frames and an error frame, written and flushed as one piece.</summary>
    private sealed class TokensThenError : StandInServer
    {
        public static Task<TokensThenError> StartAsync() => StartAsync(new TokensThenError());

        protected override void Map(WebApplication app) => app.MapPost("/completion", async (HttpContext context) =>
        {
            await ReadBodyAsync(context);
            BeginEvents(context);
            await context.Response.WriteAsync(
                "data: {\"content\":\"Once\",\"stop\":false}\n\n" +
                "data: {\"content\":\" upon\",\"stop\":false}\n\n" +
                "data: {\"error\":{\"code\":500,\"message\":\"out of memory\"}}\n\n");
        });
    }
}

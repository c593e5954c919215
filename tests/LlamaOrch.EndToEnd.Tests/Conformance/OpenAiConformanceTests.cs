using System.Net;
using System.Text.Json;

namespace LlamaOrch.EndToEnd.Tests.Conformance;

/// <summary>openai.yaml through Prism; the streamed chunks against the chunk schemas it declares.</summary>
[Collection(ConformanceCollection.Name)]
public sealed class OpenAiConformanceTests(ConformanceFixture fixture)
{
    private PrismProxy Proxy => fixture.OpenAi;

    [Fact]
    public async Task Models_are_listed()
    {
        using var response = await Proxy.GetAsync("/v1/models");
        await ResponseAssert.StatusAsync(HttpStatusCode.OK, response);
    }

    [Fact]
    public async Task A_chat_completion_and_a_completion_conform()
    {
        using (var chat = await Proxy.PostAsync("/v1/chat/completions", """{"model":"p","max_tokens":6,"messages":[{"role":"user","content":"Once upon a time"}]}"""))
        {
            await ResponseAssert.StatusAsync(HttpStatusCode.OK, chat);
        }
        using var completion = await Proxy.PostAsync("/v1/completions", """{"model":"p","max_tokens":6,"prompt":"Once upon a time"}""");
        await ResponseAssert.StatusAsync(HttpStatusCode.OK, completion);
    }

    [Theory]
    [InlineData("/v1/chat/completions", """{"model":"p","max_tokens":6,"stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"Once"}]}""", "ChatCompletionChunk")]
    [InlineData("/v1/completions", """{"model":"p","max_tokens":6,"stream":true,"prompt":"Once"}""", "Completion")]
    public async Task Streamed_chunks_match_the_chunk_schema(string path, string json, string schema)
    {
        var schemas = await FrameSchemas.LoadAsync(OpenApiContracts.OpenAi);

        using var response = await Proxy.PostAsync(path, json);

        await ResponseAssert.StatusAsync(HttpStatusCode.OK, response);
        var events = await SseText.ReadAsync(response);
        Assert.Equal("[DONE]", events[^1].Data);
        foreach (var item in events[..^1])
        {
            using var data = JsonDocument.Parse(item.Data);
            schemas.AssertValid(schema, data.RootElement, $"{path} chunk");
        }
    }

    [Fact]
    public async Task Embeddings_conform()
    {
        using var response = await Proxy.PostAsync("/v1/embeddings", """{"model":"p","input":["Once upon a time","a dog"]}""");
        await ResponseAssert.StatusAsync(HttpStatusCode.OK, response);
    }

    [Theory]
    [InlineData("/v1/chat/completions", """{"model":"p","messages":[]}""")]
    [InlineData("/v1/chat/completions", """{"model":"p","messages":[{"role":"user","content":"Hi"}],"temperature":9}""")]
    [InlineData("/v1/embeddings", """{"model":"p"}""")]
    [InlineData("/v1/rerank", """{"model":"p","query":"q","documents":["a"]}""")]
    public async Task Bad_requests_are_400_in_the_openai_error_shape(string path, string json)
    {
        using var response = await Proxy.PostAsync(path, json);
        await ResponseAssert.StatusAsync(HttpStatusCode.BadRequest, response);
    }

    [Fact]
    public async Task A_full_queue_is_429()
    {
        var running = Orchestrator.Task(ConformanceFixture.Slow, maxTokens: 4000, ctx: 4096);
        var queued = Orchestrator.Task(ConformanceFixture.Slow, maxTokens: 4000, ctx: 4096);
        using (var first = await fixture.Orchestrator.SubmitAsync(running)) await ResponseAssert.StatusAsync(HttpStatusCode.Accepted, first);
        await fixture.Orchestrator.WaitUntilAsync(h => h["pools"]!.AsArray().Single(p => p!["id"]!.GetValue<string>() == "slow")!["queue_depth"]!.GetValue<int>() == 0);
        using (var second = await fixture.Orchestrator.SubmitAsync(queued)) await ResponseAssert.StatusAsync(HttpStatusCode.Accepted, second);
        try
        {
            using var full = await Proxy.PostAsync("/v1/completions", """{"model":"slow","max_tokens":2,"prompt":"Once"}""");
            await ResponseAssert.StatusAsync(HttpStatusCode.TooManyRequests, full);
        }
        finally
        {
            foreach (var task in new[] { queued, running }) await fixture.Orchestrator.CancelAsync(task["task_id"]!.GetValue<string>());
        }
    }
}

using System.Net;
using System.Text.Json;

namespace LlamaOrch.EndToEnd.Tests.Conformance;

/// <summary>anthropic.yaml through Prism; the streamed events against <c>StreamEvent</c>.</summary>
[Collection(ConformanceCollection.Name)]
public sealed class AnthropicConformanceTests(ConformanceFixture fixture)
{
    private PrismProxy Proxy => fixture.Anthropic;

    private static string Model => JsonSerializer.Serialize(ConformanceFixture.Stories);

    [Fact]
    public async Task A_message_and_its_token_count_conform()
    {
        using (var message = await Proxy.PostAsync("/v1/messages", $$"""{"model":{{Model}},"max_tokens":6,"messages":[{"role":"user","content":"Once upon a time"}]}"""))
        {
            await ResponseAssert.StatusAsync(HttpStatusCode.OK, message);
        }
        using var count = await Proxy.PostAsync("/v1/messages/count_tokens", $$"""{"model":{{Model}},"messages":[{"role":"user","content":"Once upon a time"}]}""");
        await ResponseAssert.StatusAsync(HttpStatusCode.OK, count);
    }

    [Fact]
    public async Task Streamed_events_match_the_stream_event_schema_and_are_named_by_their_type()
    {
        var schemas = await FrameSchemas.LoadAsync(OpenApiContracts.Anthropic);

        using var response = await Proxy.PostAsync("/v1/messages", $$"""{"model":{{Model}},"max_tokens":6,"stream":true,"messages":[{"role":"user","content":"Once"}]}""");

        await ResponseAssert.StatusAsync(HttpStatusCode.OK, response);
        var events = await SseText.ReadAsync(response);
        foreach (var item in events)
        {
            using var data = JsonDocument.Parse(item.Data);
            schemas.AssertValid("StreamEvent", data.RootElement, $"event {item.EventType}");
            Assert.Equal(item.EventType, data.RootElement.GetProperty("type").GetString());
        }
        Assert.Equal("message_stop", events[^1].EventType);
    }

    [Theory]
    [InlineData("""{"model":"M","messages":[{"role":"user","content":"Hi"}]}""", HttpStatusCode.BadRequest)]
    [InlineData("""{"model":"M","max_tokens":4,"messages":[{"role":"user","content":"Hi"}],"temperature":1.5}""", HttpStatusCode.BadRequest)]
    [InlineData("""{"model":"claude-sonnet-4-5","max_tokens":4,"messages":[{"role":"user","content":"Hi"}]}""", HttpStatusCode.NotFound)]
    public async Task Bad_messages_are_answered_in_the_anthropic_error_shape(string json, HttpStatusCode expected)
    {
        using var response = await Proxy.PostAsync("/v1/messages", json.Replace("\"M\"", Model, StringComparison.Ordinal));
        await ResponseAssert.StatusAsync(expected, response);
    }

    [Fact]
    public async Task A_message_sent_as_text_is_415_and_count_tokens_checks_its_body()
    {
        using (var text = await Proxy.PostAsync("/v1/messages", "{}", "text/plain")) await ResponseAssert.StatusAsync(HttpStatusCode.UnsupportedMediaType, text);
        using var count = await Proxy.PostAsync("/v1/messages/count_tokens", $$"""{"model":{{Model}}}""");
        await ResponseAssert.StatusAsync(HttpStatusCode.BadRequest, count);
    }
}

using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Anthropic.Exceptions;
using Anthropic.Models.Messages;

namespace LlamaOrch.EndToEnd.Tests;

/// <summary>The Anthropic Messages door, spoken to by the official Anthropic .NET SDK (and raw HTTP where the SDK cannot err).</summary>
public sealed class AnthropicMessagesTests(AnthropicFixture fixture) : IClassFixture<AnthropicFixture>
{
    private Orchestrator Orchestrator => fixture.Orchestrator;

    private static MessageCreateParams Ask(string text, long maxTokens = 16, string? model = null, string? system = null)
    {
        var ask = new MessageCreateParams { Model = model ?? AnthropicFixture.Stories, MaxTokens = maxTokens, Messages = [new UserMessageParam(text)] };
        return system is null ? ask : ask with { System = system };
    }

    [Fact]
    public async Task Answers_a_message_with_text_a_stop_reason_and_usage()
    {
        using var client = fixture.Client();

        var message = await client.Messages.Create(Ask("Once upon a time", maxTokens: 12));

        Assert.StartsWith("msg_", message.ID);
        Assert.Equal(AnthropicFixture.Stories, message.Model.Raw());
        var text = Assert.Single(message.Content);
        Assert.True(text.TryPickText(out var block));
        Assert.Matches("[a-z]{2,}", block!.Text);
        Assert.Contains(message.StopReason!.Raw(), new[] { "max_tokens", "end_turn" });
        if (message.StopReason.Raw() == "max_tokens") Assert.Equal(12, message.Usage.OutputTokens);
        Assert.InRange(message.Usage.OutputTokens, 1, 12);
        Assert.True(message.Usage.InputTokens + (message.Usage.CacheReadInputTokens ?? 0) > 5);
    }

    [Fact]
    public async Task Streams_a_message_as_anthropic_events_in_order()
    {
        using var client = fixture.Client();
        var types = new List<string>();
        var text = new StringBuilder();
        RawMessageDeltaEvent? end = null;

        await foreach (var streamEvent in client.Messages.CreateStreaming(Ask("Once upon a time", maxTokens: 12)))
        {
            types.Add(streamEvent.Type.Raw());
            if (streamEvent.TryPickStart(out var start)) Assert.StartsWith("msg_", start!.Message.ID);
            if (streamEvent.TryPickContentBlockDelta(out var delta))
            {
                Assert.Equal(0, delta!.Index);
                Assert.True(delta.Delta.TryPickText(out var piece));
                text.Append(piece!.Text);
            }
            if (streamEvent.TryPickDelta(out var messageDelta)) end = messageDelta;
        }

        Assert.Equal("message_start", types[0]);
        Assert.Equal("content_block_start", types[1]);
        Assert.Equal(["content_block_stop", "message_delta", "message_stop"], types[^3..]);
        Assert.All(types[2..^3], type => Assert.Equal("content_block_delta", type));
        Assert.Matches("[a-z]{2,}", text.ToString());
        Assert.NotNull(end);
        Assert.Contains(end!.Delta.StopReason!.Raw(), new[] { "max_tokens", "end_turn" });
        Assert.InRange(end.Usage.OutputTokens, 1, 12);
        Assert.True(end.Usage.InputTokens > 0);
    }

    [Fact]
    public async Task The_system_prompt_is_rendered_and_count_tokens_counts_what_the_message_runs_with()
    {
        using var client = fixture.Client();
        const string system = "You are a storyteller who tells short stories about a little dog named Max.";

        var plain = await client.Messages.CountTokens(new MessageCountTokensParams { Model = AnthropicFixture.Stories, Messages = [new UserMessageParam("Tell me a story")] });
        var withSystem = await client.Messages.CountTokens(new MessageCountTokensParams
        {
            Model = AnthropicFixture.Stories, Messages = [new UserMessageParam("Tell me a story")], System = system,
        });
        var message = await client.Messages.Create(Ask("Tell me a story", maxTokens: 4, system: system));

        Assert.True(withSystem.InputTokens > plain.InputTokens + 10, $"{withSystem.InputTokens} vs {plain.InputTokens}");
        // The task's prompt is exactly what count_tokens counted: the engine took the same number of tokens in.
        Assert.Equal(withSystem.InputTokens, message.Usage.InputTokens + (message.Usage.CacheReadInputTokens ?? 0));
    }

    [Fact]
    public async Task A_tool_result_round_trip_renders_the_call_and_its_result()
    {
        using var client = fixture.Client();
        var input = new Dictionary<string, JsonElement> { ["city"] = JsonSerializer.SerializeToElement("Paris") };
        const string result = "Sunny, 25 degrees, a light breeze from the west over the river";
        MessageParam[] asked = [new UserMessageParam("What is the weather in Paris?")];
        MessageParam[] answered =
        [
            .. asked,
            new AssistantMessageParam(new MessageContentParam([new ContentBlockParam(new ToolUseBlockParam { ID = "toolu_1", Name = "get_weather", Input = input }, null)], null)),
            new UserMessageParam(new MessageContentParam([new ContentBlockParam(new ToolResultBlockParam("toolu_1") { Content = result }, null)], null)),
        ];

        var before = await client.Messages.CountTokens(new MessageCountTokensParams { Model = AnthropicFixture.Stories, Messages = asked });
        var after = await client.Messages.CountTokens(new MessageCountTokensParams { Model = AnthropicFixture.Stories, Messages = answered });
        var message = await client.Messages.Create(new MessageCreateParams { Model = AnthropicFixture.Stories, MaxTokens = 4, Messages = answered });

        // The call's arguments and the result's text are in the prompt: more tokens than the result's words alone.
        Assert.True(after.InputTokens > before.InputTokens + result.Split(' ').Length, $"{after.InputTokens} vs {before.InputTokens}");
        Assert.Equal(after.InputTokens, message.Usage.InputTokens + (message.Usage.CacheReadInputTokens ?? 0));
    }

    private const string ForecastSchema = """
        {"type": "object",
         "properties": {"city": {"type": "string", "enum": ["Paris", "Berlin", "Rome"]}, "metric": {"type": "boolean"}},
         "required": ["city", "metric"]}
        """;

    private static MessageCreateParams AskForecast() => new()
    {
        Model = AnthropicFixture.Stories,
        MaxTokens = 120,
        Messages = [new UserMessageParam("What will the weather be in Rome?")],
        Tools = [new Tool { Name = "get_forecast", Description = "The weather forecast for a city", InputSchema = InputSchema.FromRawUnchecked(JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(ForecastSchema)!) }],
        ToolChoice = new ToolChoiceTool("get_forecast"),
    };

    /// <summary>The grammar makes even a 260K-parameter story model write a valid call (needs the chat-grammar branch).</summary>
    [Fact]
    public async Task A_forced_tool_call_parses_into_a_tool_use_block_valid_against_its_schema()
    {
        using var client = fixture.Client();
        var schema = Json.Schema.JsonSchema.FromText(ForecastSchema);

        var message = await client.Messages.Create(AskForecast());

        Assert.Equal("tool_use", message.StopReason!.Raw());
        var call = Assert.Single(message.Content.Select(block => block.TryPickToolUse(out var use) ? use : null).OfType<ToolUseBlock>());
        Assert.Equal("get_forecast", call.Name);
        Assert.StartsWith("toolu_", call.ID);
        Assert.True(schema.Evaluate(JsonSerializer.SerializeToElement(call.Input)).IsValid, JsonSerializer.Serialize(call.Input));

        var json = new StringBuilder();
        string? streamedName = null;
        await foreach (var streamEvent in client.Messages.CreateStreaming(AskForecast()))
        {
            if (streamEvent.TryPickContentBlockStart(out var start) && start!.ContentBlock.TryPickToolUse(out var use)) streamedName = use!.Name;
            if (streamEvent.TryPickContentBlockDelta(out var delta) && delta!.Delta.TryPickInputJson(out var part)) json.Append(part!.PartialJson);
        }
        Assert.Equal("get_forecast", streamedName);
        Assert.True(schema.Evaluate(JsonDocument.Parse(json.ToString()).RootElement).IsValid, json.ToString());
    }

    [Fact]
    public async Task A_stop_sequence_ends_the_answer_and_is_named_in_stop_reason()
    {
        // Greedy (temperature 0) answers the same prompt the same way: a word of the first answer stops the second.
        async Task<JsonObject> AskGreedyAsync(string? stop)
        {
            var body = new JsonObject
            {
                ["model"] = AnthropicFixture.Stories, ["max_tokens"] = 32, ["temperature"] = 0,
                ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "Once upon a time" }),
            };
            if (stop is not null) body["stop_sequences"] = new JsonArray(stop);
            using var response = await Orchestrator.PostRawAsync("/v1/messages", body.ToJsonString());
            var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
            Assert.True(response.StatusCode == HttpStatusCode.OK, answer.ToJsonString());
            return answer;
        }

        var free = (await AskGreedyAsync(null))["content"]![0]!["text"]!.GetValue<string>();
        var words = free.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(w => w.Length >= 3 && w.All(char.IsAsciiLetterLower)).ToList();
        Assert.True(words.Count >= 2, free);
        var stop = " " + words[1];

        var stopped = await AskGreedyAsync(stop);

        Assert.Equal("stop_sequence", stopped["stop_reason"]!.GetValue<string>());
        Assert.Equal(stop, stopped["stop_sequence"]!.GetValue<string>());
        var text = stopped["content"]!.AsArray().Select(block => block!["text"]!.GetValue<string>()).SingleOrDefault() ?? string.Empty;
        Assert.Equal(free[..free.IndexOf(stop, StringComparison.Ordinal)], text);
    }

    [Fact]
    public async Task Of_two_stop_sequences_the_one_that_matched_is_named_as_the_engine_reported_it()
    {
        async Task<JsonObject> AskGreedyAsync(params string[] stops)
        {
            var body = new JsonObject
            {
                ["model"] = AnthropicFixture.Stories, ["max_tokens"] = 48, ["temperature"] = 0,
                ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "Once upon a time" }),
            };
            if (stops.Length > 0) body["stop_sequences"] = new JsonArray([.. stops.Select(s => JsonValue.Create(s))]);
            using var response = await Orchestrator.PostRawAsync("/v1/messages", body.ToJsonString());
            var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
            Assert.True(response.StatusCode == HttpStatusCode.OK, answer.ToJsonString());
            return answer;
        }

        var free = (await AskGreedyAsync())["content"]![0]!["text"]!.GetValue<string>();
        var words = free.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(w => w.Length >= 3 && w.All(char.IsAsciiLetterLower)).Distinct().ToList();
        Assert.True(words.Count >= 3, free);
        var (first, later) = (" " + words[1], " " + words[2]);
        var expected = free.IndexOf(first, StringComparison.Ordinal) <= free.IndexOf(later, StringComparison.Ordinal) ? first : later;

        // The later one is listed first: neither the list's order nor its length names the match, the engine does.
        var stopped = await AskGreedyAsync(later, first);

        Assert.Equal("stop_sequence", stopped["stop_reason"]!.GetValue<string>());
        Assert.Equal(expected, stopped["stop_sequence"]!.GetValue<string>());
        var text = stopped["content"]!.AsArray().Select(block => block!["text"]!.GetValue<string>()).SingleOrDefault() ?? string.Empty;
        Assert.Equal(free[..free.IndexOf(expected, StringComparison.Ordinal)], text);

        // The task behind it carries the match in its end frame.
        var taskId = Guid.ParseExact(stopped["id"]!.GetValue<string>()["msg_".Length..], "N").ToString("D");
        var frames = await Orchestrator.StreamAsync(taskId);
        Assert.Equal("stop_word", frames[^1].Str("stop_reason"));
        Assert.Equal(expected, frames[^1].Str("stop_word"));
    }

    [Fact]
    public async Task Disposing_the_stream_cancels_the_task_and_frees_its_slot()
    {
        using var client = fixture.Client();
        string? taskId = null;

        // 2000 tokens at 20 tokens/s would hold the slot for 100 s; the client leaves after the first piece of text.
        await foreach (var streamEvent in client.Messages.CreateStreaming(Ask("Once", maxTokens: 2000, model: AnthropicFixture.Slow)))
        {
            if (streamEvent.TryPickStart(out var start)) taskId = Guid.ParseExact(start!.Message.ID["msg_".Length..], "N").ToString("D");
            if (streamEvent.TryPickContentBlockDelta(out _)) break;
        }

        Assert.NotNull(taskId);
        var frames = await Orchestrator.StreamAsync(taskId!);
        Assert.Equal("end", frames[^1].Event);
        Assert.Equal("canceled", frames[^1].Str("stop_reason"));
        Assert.True(frames[^1].Int("tokens_out") < 2000);
        await WaitForIdleSlowPoolAsync();
    }

    [Fact]
    public async Task A_full_queue_is_the_SDKs_rate_limit_exception_and_its_retry_is_honoured()
    {
        var blockers = await FillSlowPoolAsync();
        try
        {
            var refused = new RecordingHandler();
            using (var client = fixture.Client(maxRetries: 0, handler: refused))
            {
                var error = await Assert.ThrowsAsync<AnthropicRateLimitException>(() => client.Messages.Create(Ask("Once", maxTokens: 2, model: AnthropicFixture.Slow)));
                Assert.Equal(HttpStatusCode.TooManyRequests, error.StatusCode);
                Assert.Equal("rate_limit_error", error.Type?.Raw());
                Assert.Equal([HttpStatusCode.TooManyRequests], refused.Statuses);
            }

            // The SDK waits as Retry-After says and tries again; meanwhile the queue empties.
            string? retryAfter = null;
            var retried = new RecordingHandler(async response =>
            {
                if (response.StatusCode != HttpStatusCode.TooManyRequests) return;
                retryAfter = response.Headers.RetryAfter?.ToString();
                Assert.True(response.Headers.Contains("X-Backoff-Ms"));
                foreach (var id in blockers) await Orchestrator.CancelAsync(id);
            });
            using (var client = fixture.Client(maxRetries: 2, handler: retried))
            {
                var message = await client.Messages.Create(Ask("Once", maxTokens: 2, model: AnthropicFixture.Slow));
                Assert.Equal("assistant", message.Role.GetString());
            }
            Assert.Equal([HttpStatusCode.TooManyRequests, HttpStatusCode.OK], retried.Statuses);
            Assert.NotNull(retryAfter);
        }
        finally
        {
            foreach (var id in blockers) await Orchestrator.CancelAsync(id);
            await WaitForIdleSlowPoolAsync();
        }
    }

    [Fact]
    public async Task An_image_block_is_the_SDKs_bad_request_in_anthropics_shape()
    {
        using var client = fixture.Client();
        var image = new ImageBlockParam(new ImageBlockParamSource(new Base64ImageSource { Data = "iVBORw0KGgo=", MediaType = MediaType.ImagePng }, null));
        var ask = new MessageCreateParams
        {
            Model = AnthropicFixture.Stories,
            MaxTokens = 4,
            Messages = [new UserMessageParam(new MessageContentParam([new ContentBlockParam(image, null), new ContentBlockParam(new TextBlockParam("What is this?"), null)], null))],
        };

        var error = await Assert.ThrowsAsync<AnthropicBadRequestException>(() => client.Messages.Create(ask));

        Assert.Equal("invalid_request_error", error.Type?.Raw());
        Assert.Contains("messages[0].content[0].type", error.ApiMessage);
        Assert.Contains("image", error.ApiMessage);
    }

    [Theory]
    [InlineData("""{"model":"M","messages":[{"role":"user","content":"Hi"}]}""", "max_tokens: required")]
    [InlineData("""{"model":"M","max_tokens":4,"messages":[{"role":"user","content":"Hi"}""", "malformed")]
    [InlineData("""{"model":"M","max_tokens":4,"messages":[{"role":"user","content":[{"type":"document","source":{}}]}]}""", "messages[0].content[0].type: document blocks are not supported")]
    [InlineData("""{"model":"M","max_tokens":4,"messages":[{"role":"system","content":"Hi"}]}""", "top-level 'system'")]
    [InlineData("""{"model":"M","max_tokens":4,"messages":[{"role":"user","content":"Hi"}],"tool_choice":{"type":"tool","name":"nope"}}""", "tool_choice.name")]
    [InlineData("""{"model":"M","max_tokens":4,"messages":[{"role":"user","content":"Hi"}],"temperature":1.5}""", "temperature")]
    [InlineData("""{"model":"M","max_tokens":4,"messages":[{"role":"user","content":"Hi"}],"stop_sequences":[""]}""", "stop_sequences: each must be 1 to 256 characters")]
    [InlineData("""{"model":"M","max_tokens":4,"messages":[{"role":"user","content":""}]}""", "messages[0].content: must not be empty")]
    [InlineData("""{"model":"M","max_tokens":4,"messages":[{"role":"user","content":[]}]}""", "messages[0].content: must not be empty")]
    [InlineData("""{"model":"M","max_tokens":4,"messages":[{"role":"user","content":[{"type":"text","text":""}]}]}""", "messages[0].content[0].text: text content blocks must be non-empty")]
    [InlineData("""{"model":"M","max_tokens":4,"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":""},{"role":"user","content":"Go on"}]}""", "messages[1].content: must not be empty")]
    public async Task A_bad_request_is_400_in_anthropics_shape(string body, string problem)
    {
        using var response = await Orchestrator.PostRawAsync("/v1/messages", body.Replace("\"M\"", JsonSerializer.Serialize(AnthropicFixture.Stories), StringComparison.Ordinal));
        var error = await Orchestrator.ErrorOf(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        AssertAnthropicError(error, "invalid_request_error", problem);
    }

    [Fact]
    public async Task An_unknown_model_is_404_not_found_error()
    {
        using var client = fixture.Client();

        var error = await Assert.ThrowsAsync<AnthropicNotFoundException>(() => client.Messages.Create(Ask("Hi", model: "claude-sonnet-4-5")));

        Assert.Equal("not_found_error", error.Type?.Raw());
        Assert.Contains("claude-sonnet-4-5", error.ApiMessage);
    }

    [Fact]
    public async Task Without_a_token_it_is_401_and_with_a_wrong_one_403_in_anthropics_shape()
    {
        using (var client = fixture.Client(token: null))
        {
            var missing = await Assert.ThrowsAsync<AnthropicUnauthorizedException>(() => client.Messages.Create(Ask("Hi")));
            Assert.Equal("authentication_error", missing.Type?.Raw());
        }
        using (var client = fixture.Client(token: "not-the-token"))
        {
            var wrong = await Assert.ThrowsAsync<AnthropicForbiddenException>(() => client.Messages.CountTokens(
                new MessageCountTokensParams { Model = AnthropicFixture.Stories, Messages = [new UserMessageParam("Hi")] }));
            Assert.Equal("permission_error", wrong.Type?.Raw());
        }

        using var raw = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = Orchestrator.Address };
        using var response = await raw.PostAsync("/v1/messages", new StringContent("{}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        AssertAnthropicError(await Orchestrator.ErrorOf(response), "authentication_error", "API token");
    }

    [Fact]
    public async Task Headers_set_priority_session_and_correlation_and_metadata_user_id_maps_to_a_stable_session()
    {
        var body = new JsonObject
        {
            ["model"] = AnthropicFixture.Stories, ["max_tokens"] = 2,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "Hi" }),
            ["metadata"] = new JsonObject { ["user_id"] = "alice@example.com" },
        };
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/messages") { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Correlation-Id", "anthropic-corr-1");
        request.Headers.Add("X-Priority", "batch");
        request.Headers.Add("anthropic-version", "2023-06-01");
        using var response = await Orchestrator.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("anthropic-corr-1", response.Headers.GetValues("X-Correlation-Id").Single());
        // RFC 9562 version 5 of "alice@example.com" in the documented namespace (Python: uuid.uuid5(ns, name)).
        using var session = await Orchestrator.Http.GetAsync("/v1/sessions/1a35f2e5-bb31-574e-bd45-15782c9e2597");
        Assert.Equal(HttpStatusCode.OK, session.StatusCode);

        var badPriority = new HttpRequestMessage(HttpMethod.Post, "/v1/messages") { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
        badPriority.Headers.Add("X-Priority", "urgent");
        using var refused = await Orchestrator.Http.SendAsync(badPriority);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        AssertAnthropicError(await Orchestrator.ErrorOf(refused), "invalid_request_error", "X-Priority");
    }

    private static void AssertAnthropicError(JsonObject body, string type, string messagePart)
    {
        Assert.Equal("error", body["type"]!.GetValue<string>());
        Assert.Equal(type, body["error"]!["type"]!.GetValue<string>());
        Assert.Contains(messagePart, body["error"]!["message"]!.GetValue<string>());
    }

    /// <summary>Two 2000-token tasks on the slow pool: one runs in its only slot, one waits in its queue of one.</summary>
    private async Task<List<string>> FillSlowPoolAsync()
    {
        var running = (await Orchestrator.AdmitAsync(Orchestrator.Task(AnthropicFixture.Slow, maxTokens: 2000, ctx: 4096)))["task_id"]!.GetValue<string>();
        await WaitForSlowPoolAsync(pool => pool["metrics"]!["busy_slots"]!.GetValue<int>() == 1);
        var queued = (await Orchestrator.AdmitAsync(Orchestrator.Task(AnthropicFixture.Slow, maxTokens: 2000, ctx: 4096)))["task_id"]!.GetValue<string>();
        return [running, queued];
    }

    private Task WaitForIdleSlowPoolAsync() =>
        WaitForSlowPoolAsync(pool => pool["metrics"]!["busy_slots"]!.GetValue<int>() == 0 && pool["metrics"]!["queue_depth"]!.GetValue<int>() == 0);

    private async Task WaitForSlowPoolAsync(Func<JsonObject, bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!condition(JsonNode.Parse(await Orchestrator.Http.GetStringAsync("/v1/pools/slow/health", timeout.Token))!.AsObject()))
            await Task.Delay(20, timeout.Token);
    }
}

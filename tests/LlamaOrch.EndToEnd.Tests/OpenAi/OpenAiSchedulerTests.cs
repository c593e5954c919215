using System.ClientModel;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using OpenAI.Chat;

namespace LlamaOrch.EndToEnd.Tests.OpenAi;

/// <summary>What the scheduler does behind the OpenAI door, seen through the SDK: cancellation on leaving, 429 and its retry, refusals.</summary>
public sealed class OpenAiSchedulerTests
{
    private const string Slow = "sim:slow?tps=20";

    [Fact]
    public async Task Disposing_a_stream_cancels_its_task_and_frees_the_slot_at_once()
    {
        await using var orchestrator = await Orchestrator.StartAsync(Orchestrator.Pool(Slow, slots: 1));
        var client = OpenAiClients.Chat(orchestrator);

        // 400 tokens at 20 a second: the task would hold the slot for 20 s.
        var updates = client.CompleteChatStreamingAsync([new UserChatMessage("Once upon a time")], new ChatCompletionOptions { MaxOutputTokenCount = 400 });
        var stream = updates.GetAsyncEnumerator();
        string? taskId = null;
        var content = 0;
        while (content < 2 && await stream.MoveNextAsync())
        {
            taskId ??= OpenAiClients.TaskIdOf(stream.Current.CompletionId);
            if (stream.Current.ContentUpdate.Count > 0) content++;
        }
        Assert.Equal(1, await BusySlotsAsync(orchestrator));
        await stream.DisposeAsync();

        var frames = await orchestrator.StreamAsync(taskId!);
        Assert.Equal("end", frames[^1].Event);
        Assert.Equal("canceled", frames[^1].Str("stop_reason"));
        Assert.True(frames.Count(f => f.Event == "token") < 400);
        // Free: a new request is served by the only slot, which the canceled one would otherwise hold for seconds.
        await WaitAsync(async () => await BusySlotsAsync(orchestrator) == 0);
        var next = (await client.CompleteChatAsync([new UserChatMessage("Again")], new ChatCompletionOptions { MaxOutputTokenCount = 2 })).Value;
        Assert.Equal(ChatFinishReason.Length, next.FinishReason);
    }

    [Fact]
    public async Task A_full_queue_is_the_sdks_429_and_its_own_retry_waits_for_retry_after_then_succeeds()
    {
        await using var orchestrator = await Orchestrator.StartAsync(Orchestrator.Pool(Slow, slots: 1, capacity: 1));
        var blocker = (await orchestrator.AdmitAsync(Orchestrator.Task(Slow, maxTokens: 200)))["task_id"]!.GetValue<string>();
        await orchestrator.WaitUntilAsync(h => h["pools"]![0]!["queue_depth"]!.GetValue<int>() == 0);
        await orchestrator.AdmitAsync(Orchestrator.Task(Slow, maxTokens: 2)); // the queue's one place

        // Without retries, the SDK surfaces the 429 as its ClientResultException, with our OpenAI-shaped body.
        var refused = await Assert.ThrowsAsync<ClientResultException>(() =>
            OpenAiClients.Chat(orchestrator).CompleteChatAsync([new UserChatMessage("Hi")], new ChatCompletionOptions { MaxOutputTokenCount = 2 }));
        Assert.Equal(429, refused.Status);
        var raw = refused.GetRawResponse()!;
        Assert.True(raw.Headers.TryGetValue("X-Backoff-Ms", out _));
        var error = JsonNode.Parse(raw.Content.ToString())!["error"]!;
        Assert.Equal("rate_limit_error", error["type"]!.GetValue<string>());
        Assert.Equal("admission_reject", error["code"]!.GetValue<string>());

        // With the SDK's retries on: the first try is refused, the queue drains, the retry after Retry-After is served.
        var recorder = new AttemptRecorder();
        var retrying = OpenAiClients.Chat(orchestrator, maxRetries: 3, observer: recorder)
            .CompleteChatAsync([new UserChatMessage("Hi")], new ChatCompletionOptions { MaxOutputTokenCount = 2 });
        await recorder.FirstRejection.Task.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(HttpStatusCode.NoContent, await orchestrator.CancelAsync(blocker));
        var completion = (await retrying).Value;

        Assert.Equal(ChatFinishReason.Length, completion.FinishReason);
        var attempts = recorder.Attempts;
        Assert.Equal(429, attempts[0].Status);
        Assert.Equal(200, attempts[^1].Status);
        var retryAfter = TimeSpan.FromSeconds(int.Parse(attempts[0].RetryAfter!, CultureInfo.InvariantCulture));
        Assert.True(retryAfter >= TimeSpan.FromSeconds(1));
        // The SDK waited and tried again on its own; how long it waited is its business (no wall-clock assertion here:
        // the SDK's own jitter and the machine's load decide it, and a timing check flaked under load).
        Assert.True(attempts.Count >= 2);
    }

    [Fact]
    public async Task Temperature_0_is_greedy_decoding_and_an_unknown_model_is_the_sdks_404()
    {
        await using var orchestrator = await Orchestrator.StartAsync(Orchestrator.Pool(Slow));

        var greedy = (await OpenAiClients.Chat(orchestrator).CompleteChatAsync([new UserChatMessage("Hi")],
            new ChatCompletionOptions { MaxOutputTokenCount = 2, Temperature = 0f })).Value;
        Assert.Equal(ChatFinishReason.Length, greedy.FinishReason);
        var frames = await orchestrator.StreamAsync(OpenAiClients.TaskIdOf(greedy.Id));
        Assert.Equal("end", frames[^1].Event);

        // Not a 503, which the SDK would retry: OpenAI answers an unknown model with 404.
        var unknown = await Assert.ThrowsAsync<ClientResultException>(() =>
            OpenAiClients.Chat(orchestrator, model: "no-such-model").CompleteChatAsync([new UserChatMessage("Hi")]));
        Assert.Equal(404, unknown.Status);
        Assert.Equal("not_found", JsonNode.Parse(unknown.GetRawResponse()!.Content.ToString())!["error"]!["code"]!.GetValue<string>());

        // An empty model is a left-out one: the default (the one model served), which the answer names.
        foreach (var (path, body) in new[]
        {
            ("/v1/chat/completions", """{"model":"","messages":[{"role":"user","content":"Hi"}],"max_tokens":2}"""),
            ("/v1/completions", """{"model":"","prompt":"Hi","max_tokens":2}"""),
        })
        {
            using var empty = await orchestrator.Http.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, empty.StatusCode);
            Assert.Equal(Slow, JsonNode.Parse(await empty.Content.ReadAsStringAsync())!["model"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task A_stream_waiting_in_the_queue_gets_keep_alive_comments()
    {
        await using var orchestrator = await Orchestrator.StartAsync([.. Orchestrator.Pool(Slow, slots: 1), "Tasks:KeepAliveSeconds=1"]);
        var blocker = (await orchestrator.AdmitAsync(Orchestrator.Task(Slow, maxTokens: 200)))["task_id"]!.GetValue<string>();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/completions")
        {
            Content = new StringContent("""{"model":"p","prompt":"Once","max_tokens":2,"stream":true}""", Encoding.UTF8, "application/json"),
        };
        using var response = await orchestrator.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());

        // Queued behind a 10-second task, it sends nothing but comments that OpenAI's SDKs skip and proxies see as traffic.
        var first = await reader.ReadLineAsync();
        Assert.Equal(": keep-alive", first);
        Assert.Equal(HttpStatusCode.NoContent, await orchestrator.CancelAsync(blocker));
        var rest = await reader.ReadToEndAsync();
        Assert.EndsWith("data: [DONE]\n\n", rest, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stream_whose_task_someone_else_cancels_ends_with_an_error_and_no_done()
    {
        await using var orchestrator = await Orchestrator.StartAsync(Orchestrator.Pool(Slow, slots: 1));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent("""{"model":"p","messages":[{"role":"user","content":"Once"}],"max_tokens":400,"stream":true}""", Encoding.UTF8, "application/json"),
        };
        using var response = await orchestrator.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var taskId = response.Headers.GetValues("X-Task-Id").Single();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var lines = new List<string>();
        while (await reader.ReadLineAsync() is { } line)
        {
            lines.Add(line);
            if (line.Contains("\"content\":\"", StringComparison.Ordinal)) break; // the first token's chunk: the task runs
        }

        Assert.Equal(HttpStatusCode.NoContent, await orchestrator.CancelAsync(taskId));
        while (await reader.ReadLineAsync() is { } line) lines.Add(line);

        var data = lines.Where(l => l.StartsWith("data: ", StringComparison.Ordinal)).Select(l => l["data: ".Length..]).ToList();
        Assert.DoesNotContain("[DONE]", data);
        Assert.DoesNotContain(data, d => d.Contains("\"finish_reason\":\"stop\"", StringComparison.Ordinal));
        Assert.Equal("internal", JsonNode.Parse(data[^1])!["error"]!["code"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("""{"model":"p","messages":[{"role":"user","content":"Hi"}],"n":2}""", "n")]
    [InlineData("""{"model":"p","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"https://example.com/cat.png"}}]}]}""", "messages[0].content[0]")]
    [InlineData("""{"model":"p","messages":[{"role":"user","content":"Hi"}],"logprobs":true}""", "logprobs")]
    [InlineData("""{"model":"p","messages":[]}""", "messages")]
    [InlineData("""{"model":"p","messages":[{"role":"user","content":"Hi"}],"tool_choice":"required"}""", "tool_choice")]
    [InlineData("""{"model":"p","messages":[{"role":"user","content":"Hi"}],"max_tokens":"many"}""", "max_tokens")]
    [InlineData("this is not JSON", null)]
    [InlineData("""{"model":"p","messages":[null]}""", "messages[0]")]
    [InlineData("""{"model":"p","messages":[{"role":"user","content":"Hi"}],"tools":[null]}""", "tools[0]")]
    [InlineData("""{"model":"p","messages":[{"role":"assistant","tool_calls":[null]}]}""", "messages[0].tool_calls[0]")]
    [InlineData("""{"model":"p","messages":[{"role":"user","content":"Hi"}],"temperature":2.5}""", "temperature")]
    [InlineData("""{"model":"p","messages":[{"role":"user","content":"Hi"}],"top_p":0}""", "top_p")]
    [InlineData("""{"model":"p","messages":[{"role":"user","content":"Hi"}],"stop":["a","b","c","d","e","f","g","h","i","j","k","l","m","n","o","p"]}""", "stop")]
    public async Task Bad_chat_bodies_are_400_in_openais_shape(string body, string? param)
    {
        await using var orchestrator = await Orchestrator.StartAsync(Orchestrator.Pool(Slow));

        using var response = await orchestrator.PostRawAsync("/v1/chat/completions", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!.AsObject();
        Assert.Equal(["message", "type", "param", "code"], error.Select(p => p.Key));
        Assert.Equal("invalid_request_error", error["type"]!.GetValue<string>());
        Assert.Equal("invalid_params", error["code"]!.GetValue<string>());
        Assert.Equal(param, error["param"]?.GetValue<string>());
    }

    [Fact]
    public async Task The_sdk_sees_an_image_part_refused_as_its_400()
    {
        await using var orchestrator = await Orchestrator.StartAsync(Orchestrator.Pool(Slow));

        var refused = await Assert.ThrowsAsync<ClientResultException>(() => OpenAiClients.Chat(orchestrator).CompleteChatAsync(
            [new UserChatMessage(ChatMessageContentPart.CreateTextPart("What is this?"), ChatMessageContentPart.CreateImagePart(new Uri("https://example.com/cat.png")))]));

        Assert.Equal(400, refused.Status);
        Assert.Contains("image parts are not supported", refused.Message);
    }

    [Fact]
    public async Task An_api_key_header_is_accepted_and_a_missing_or_wrong_token_is_refused_in_openais_shape()
    {
        await using var orchestrator = await Orchestrator.StartAsync(Orchestrator.Pool(Slow));
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = orchestrator.Address };

        using var keyed = new HttpRequestMessage(HttpMethod.Get, "/v1/models") { Headers = { { "x-api-key", Orchestrator.Token } } };
        using var accepted = await http.SendAsync(keyed);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);

        using var missing = await http.PostAsync("/v1/chat/completions", new StringContent("{}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Equal("authentication_error", JsonNode.Parse(await missing.Content.ReadAsStringAsync())!["error"]!["type"]!.GetValue<string>());

        var wrong = await Assert.ThrowsAsync<ClientResultException>(() =>
            new ChatClient("p", new ApiKeyCredential("not-the-token"), OpenAiClients.Options(orchestrator)).CompleteChatAsync([new UserChatMessage("Hi")]));
        Assert.Equal(403, wrong.Status);
        Assert.Equal("permission_error", JsonNode.Parse(wrong.GetRawResponse()!.Content.ToString())!["error"]!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task Priority_and_session_come_from_headers_or_the_user_field_and_the_correlation_id_is_echoed()
    {
        await using var orchestrator = await Orchestrator.StartAsync(Orchestrator.Pool(Slow, slots: 2));
        const string body = """{"model":"p","messages":[{"role":"user","content":"Hi"}],"max_tokens":2,"user":"alice@example.com"}""";

        var first = await ChatAsync(body, correlationId: "corr-openai");
        var again = await ChatAsync(body);
        Assert.Equal("corr-openai", first.Headers.GetValues("X-Correlation-Id").Single());
        Assert.Equal(SessionOf(first), SessionOf(again)); // the same user, the same session
        var sessionId = Guid.NewGuid().ToString();
        var headed = await ChatAsync(body, sessionId, priority: "batch");
        Assert.Equal(sessionId, SessionOf(headed));
        var session = JsonNode.Parse(await orchestrator.Http.GetStringAsync($"/v1/sessions/{SessionOf(first)}"))!;
        Assert.Equal(SessionOf(first), session["session_id"]!.GetValue<string>());

        using var badPriority = await SendAsync(body, null, "urgent", null);
        Assert.Equal(HttpStatusCode.BadRequest, badPriority.StatusCode);
        Assert.Equal("priority", JsonNode.Parse(await badPriority.Content.ReadAsStringAsync())!["error"]!["param"]!.GetValue<string>());

        async Task<HttpResponseMessage> ChatAsync(string json, string? session = null, string? priority = null, string? correlationId = null)
        {
            var response = await SendAsync(json, session, priority, correlationId);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return response;
        }

        Task<HttpResponseMessage> SendAsync(string json, string? session, string? priority, string? correlationId)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
            if (session is not null) request.Headers.Add("X-Session-Id", session);
            if (priority is not null) request.Headers.Add("X-Priority", priority);
            if (correlationId is not null) request.Headers.Add("X-Correlation-Id", correlationId);
            return orchestrator.Http.SendAsync(request);
        }

        static string SessionOf(HttpResponseMessage response) => response.Headers.GetValues("X-Session-Id").Single();
    }

    private static async Task<int> BusySlotsAsync(Orchestrator orchestrator) =>
        JsonNode.Parse(await orchestrator.Http.GetStringAsync("/v1/pools/p/health"))!["metrics"]!["busy_slots"]!.GetValue<int>();

    private static async Task WaitAsync(Func<Task<bool>> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!await condition()) await Task.Delay(20, timeout.Token);
    }
}

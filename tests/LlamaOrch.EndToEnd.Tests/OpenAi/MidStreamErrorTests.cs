using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Anthropic;
using Anthropic.Core;
using Anthropic.Models.Messages;
using OpenAI.Chat;

namespace LlamaOrch.EndToEnd.Tests.OpenAi;

/// <summary>
/// A stream that has begun cannot change its status: when the engine serving it dies, each door says so inside the
/// stream (OpenAI's <c>data: {"error":…}</c>, Anthropic's <c>event: error</c>), and the server goes on serving.
/// </summary>
public sealed class MidStreamErrorTests
{
    private const string Slow = "sim:midstream?tps=20";

    [Fact]
    public async Task The_openai_door_ends_a_stream_whose_engine_was_killed_with_an_error_chunk()
    {
        await using var orchestrator = await StartAsync();
        var body = new JsonObject
        {
            ["model"] = "p", ["max_tokens"] = 2000, ["stream"] = true,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "Once" }),
        };

        var lines = await StreamKillingTheEngineAsync(orchestrator, "/v1/chat/completions", body, line => line.StartsWith("data: {", StringComparison.Ordinal) && line.Contains("\"content\":\"", StringComparison.Ordinal) && !line.Contains("\"content\":\"\"", StringComparison.Ordinal));

        var data = lines.Where(l => l.StartsWith("data: ", StringComparison.Ordinal)).ToList();
        Assert.DoesNotContain("data: [DONE]", data);
        var error = JsonNode.Parse(data[^1]["data: ".Length..])!["error"]!;
        Assert.False(string.IsNullOrEmpty(error["message"]!.GetValue<string>()));
        Assert.False(string.IsNullOrEmpty(error["type"]!.GetValue<string>()));
        Assert.DoesNotContain(data[..^1], l => l.Contains("\"finish_reason\":\"", StringComparison.Ordinal));
        await AssertServesAgainAsync(orchestrator);

        // The SDK, unmodified, on the restarted replica.
        var updates = 0;
        ChatFinishReason? finish = null;
        Exception? raised = null;
        try
        {
            await foreach (var update in OpenAiClients.Chat(orchestrator).CompleteChatStreamingAsync([new UserChatMessage("Once")], new ChatCompletionOptions { MaxOutputTokenCount = 2000 }))
            {
                if (update.ContentUpdate.Count > 0 && update.ContentUpdate[0].Text.Length > 0 && updates++ == 0) KillEngine(orchestrator);
                finish ??= update.FinishReason;
            }
        }
        catch (Exception exception)
        {
            raised = exception;
        }
        // The .NET SDK (2.15) reads the error chunk as an empty update and does not raise (openai-python raises APIError):
        // what its user sees is a stream that ends with no finish reason, which no complete answer has.
        Assert.True(updates >= 1);
        Assert.Null(raised);
        Assert.Null(finish);
    }

    [Fact]
    public async Task The_anthropic_door_ends_a_stream_whose_engine_was_killed_with_an_error_event_the_sdk_raises()
    {
        await using var orchestrator = await StartAsync();
        using var client = new AnthropicClient(new ClientOptions
        {
            BaseUrl = orchestrator.Address.ToString().TrimEnd('/'), AuthToken = Orchestrator.Token, ApiKey = null, MaxRetries = 0,
            Timeout = TimeSpan.FromSeconds(60), HttpClient = new HttpClient(new SocketsHttpHandler { UseProxy = false }),
        });
        var deltas = 0;

        var error = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await foreach (var streamEvent in client.Messages.CreateStreaming(new MessageCreateParams { Model = Slow, MaxTokens = 2000, Messages = [new UserMessageParam("Once")] }))
            {
                if (streamEvent.TryPickContentBlockDelta(out _) && deltas++ == 0) KillEngine(orchestrator);
            }
        });

        Assert.True(deltas >= 1);
        Assert.IsNotType<OperationCanceledException>(error);
        Assert.Contains("error", error.Message, StringComparison.OrdinalIgnoreCase);

        // The raw stream behind it, on a restarted replica.
        await orchestrator.WaitUntilAsync(h =>
            orchestrator.Supervisor.EngineProcessIds.Single() is { } pid && !Killed.Contains(pid) && h["pools"]![0]!["replicas_ready"]!.GetValue<int>() == 1);
        var body = new JsonObject
        {
            ["model"] = Slow, ["max_tokens"] = 2000, ["stream"] = true,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "Once" }),
        };
        var lines = await StreamKillingTheEngineAsync(orchestrator, "/v1/messages", body, line => line == "event: content_block_delta");
        var events = lines.Where(l => l.StartsWith("event: ", StringComparison.Ordinal)).ToList();
        Assert.Equal("event: error", events[^1]);
        Assert.DoesNotContain("event: message_stop", events);
        var frame = JsonNode.Parse(lines.Last(l => l.StartsWith("data: ", StringComparison.Ordinal))["data: ".Length..])!;
        Assert.Equal("error", frame["type"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(frame["error"]!["type"]!.GetValue<string>()));
        await AssertServesAgainAsync(orchestrator);
    }

    /// <summary>One slow sim replica: 2000 tokens at 20 tokens/s stream far longer than the test takes to kill it.</summary>
    private static Task<Orchestrator> StartAsync() => Orchestrator.StartAsync(Orchestrator.Pool(Slow, slots: 1, replicas: 1, ctx: 4096));

    /// <summary>Streams the request raw; once a line satisfies <paramref name="begun"/>, kills the engine, then reads to the stream's end.</summary>
    private static async Task<List<string>> StreamKillingTheEngineAsync(Orchestrator orchestrator, string path, JsonObject body, Func<string, bool> begun)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
        using var response = await orchestrator.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var lines = new List<string>();
        var killed = false;
        while (await reader.ReadLineAsync() is { } line)
        {
            lines.Add(line);
            if (killed || !begun(line)) continue;
            KillEngine(orchestrator);
            killed = true;
        }
        Assert.True(killed, string.Join('\n', lines));
        return lines;
    }

    private static void KillEngine(Orchestrator orchestrator)
    {
        var pid = orchestrator.Supervisor.EngineProcessIds.Single()!.Value;
        Assert.Equal(0, OrchestratordProcess.Kill(pid, "KILL"));
        Killed.Add(pid);
    }

    private static readonly System.Collections.Concurrent.ConcurrentBag<int> Killed = [];

    /// <summary>The server is healthy afterwards: the pool's replica is restarted (a new engine process) and a new request is answered.</summary>
    private static async Task AssertServesAgainAsync(Orchestrator orchestrator)
    {
        await orchestrator.WaitUntilAsync(h =>
            orchestrator.Supervisor.EngineProcessIds.Single() is { } pid && !Killed.Contains(pid) && h["pools"]![0]!["replicas_ready"]!.GetValue<int>() == 1);
        var chat = OpenAiClients.Chat(orchestrator);
        var completion = (await chat.CompleteChatAsync([new OpenAI.Chat.UserChatMessage("Once")], new OpenAI.Chat.ChatCompletionOptions { MaxOutputTokenCount = 2 })).Value;
        Assert.Equal(2, completion.Usage.OutputTokenCount);
    }
}

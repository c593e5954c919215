using System.Net;
using System.Net.ServerSentEvents;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LlamaOrch.EndToEnd.Tests;

/// <summary><c>POST /v1/tasks</c> with <c>Accept: text/event-stream</c>: the task's stream as the answer, the 202's fields in headers.</summary>
public sealed class OneRequestStreamTests(FastPoolFixture fixture) : IClassFixture<FastPoolFixture>
{
    private const string Slow = "sim:slow?tps=20";
    private const string Fast = FastPoolFixture.Model;

    [Fact]
    public async Task The_one_request_stream_carries_the_202s_fields_and_the_frames_of_the_two_request_flow()
    {
        var orchestrator = fixture.Orchestrator;
        var body = Orchestrator.Task(Fast, maxTokens: 10, seed: 7);
        var id = body["task_id"]!.GetValue<string>();

        using var response = await SubmitAsync(orchestrator, body, "text/event-stream");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("no-cache", response.Headers.CacheControl!.ToString());
        Assert.Equal($"/v1/tasks/{id}/stream", response.Headers.Location!.OriginalString);
        Assert.Equal(id, Header(response, "X-Task-Id"));
        Assert.Equal(body["session_id"]!.GetValue<string>(), Header(response, "X-Session-Id"));
        Assert.Equal("7", Header(response, "X-Seed"));
        Assert.Equal("p", Header(response, "X-Pool-Id"));
        Assert.Equal("0", Header(response, "X-Queue-Position"));
        Assert.True(long.Parse(Header(response, "X-Predicted-Start-Ms")) >= 0);
        Assert.Equal("0", Header(response, "X-Backoff-Ms"));
        var frames = await ReadAsync(response);

        // The same task read the two-request way: every frame, byte for byte.
        var replay = await orchestrator.StreamAsync(id);
        Assert.Equal(replay.Select(f => (f.Event, f.Data.GetRawText())), frames.Select(f => (f.Event, f.Data.GetRawText())));
        Assert.Equal("started", frames[0].Event);
        Assert.Equal(Enumerable.Range(0, 10), frames.Where(f => f.Event == "token").Select(f => f.Int("i")));
        Assert.Equal("end", frames[^1].Event);

        // Another task with the same seed and prompt, submitted for a 202 and then streamed: the same tokens and frame order.
        var twin = await orchestrator.AdmitAsync(Orchestrator.Task(Fast, maxTokens: 10, seed: 7));
        var twinFrames = await orchestrator.StreamAsync(twin["task_id"]!.GetValue<string>());
        Assert.Equal(Tokens(twinFrames), Tokens(frames));
        Assert.Equal(twinFrames.Where(f => f.Event != "metrics").Select(f => f.Event), frames.Where(f => f.Event != "metrics").Select(f => f.Event));
        Assert.Equal(twinFrames[^1].Int("tokens_out"), frames[^1].Int("tokens_out"));
        Assert.Equal(twinFrames[^1].Str("stop_reason"), frames[^1].Str("stop_reason"));
    }

    [Fact]
    public async Task A_full_queue_refuses_the_one_request_stream_with_the_json_429()
    {
        await using var orchestrator = await Orchestrator.StartAsync(Orchestrator.Pool(Slow, slots: 1, capacity: 1));
        var running = await orchestrator.AdmitAsync(Orchestrator.Task(Slow, maxTokens: 200));
        await orchestrator.WaitUntilAsync(h => h["pools"]![0]!["queue_depth"]!.GetValue<int>() == 0);
        var queued = await orchestrator.AdmitAsync(Orchestrator.Task(Slow));

        using var refused = await SubmitAsync(orchestrator, Orchestrator.Task(Slow), "text/event-stream");

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("application/json", refused.Content.Headers.ContentType!.MediaType);
        Assert.True(refused.Headers.RetryAfter!.Delta >= TimeSpan.FromSeconds(1));
        Assert.True(long.Parse(Header(refused, "X-Backoff-Ms")) >= 1);
        Assert.False(refused.Headers.Contains("X-Task-Id"));
        var envelope = await Orchestrator.ErrorOf(refused);
        Assert.Equal("ADMISSION_REJECT", envelope["code"]!.GetValue<string>());
        await orchestrator.CancelAsync(queued["task_id"]!.GetValue<string>());
        await orchestrator.CancelAsync(running["task_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Leaving_the_one_request_stream_cancels_the_task_and_frees_its_slot()
    {
        await using var orchestrator = await Orchestrator.StartAsync(Orchestrator.Pool(Slow, slots: 1));
        var body = Orchestrator.Task(Slow, maxTokens: 200);
        var id = body["task_id"]!.GetValue<string>();

        using (var response = await SubmitAsync(orchestrator, body, "text/event-stream"))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            await using var stream = await response.Content.ReadAsStreamAsync();
            await foreach (var item in SseParser.Create(stream).EnumerateAsync())
                if (item.EventType == "token") break; // one token, then the client goes away
        }

        // Read the two-request way: the task ended as cancelled long before its 200 tokens.
        var frames = await orchestrator.StreamAsync(id);
        Assert.Equal("end", frames[^1].Event);
        Assert.True(frames[^1].Bool("canceled"));
        Assert.True(frames[^1].Int("tokens_out") < 200);
        // Its slot is free again: the next task runs to its end.
        var next = await orchestrator.AdmitAsync(Orchestrator.Task(Slow, maxTokens: 2));
        Assert.Equal("end", (await orchestrator.StreamAsync(next["task_id"]!.GetValue<string>()))[^1].Event);
    }

    [Theory]
    [InlineData(null, HttpStatusCode.Accepted)]
    [InlineData("application/json", HttpStatusCode.Accepted)]
    [InlineData("*/*", HttpStatusCode.Accepted)]
    [InlineData("text/event-stream, application/json", HttpStatusCode.Accepted)] // a tie keeps the 202
    [InlineData("text/event-stream;q=0", HttpStatusCode.Accepted)]
    [InlineData("text/event-stream;q=0.5, application/json", HttpStatusCode.Accepted)]
    [InlineData("text/*;q=0.3, */*;q=0.5", HttpStatusCode.Accepted)]
    [InlineData("text/event-stream", HttpStatusCode.OK)]
    [InlineData("TEXT/Event-Stream", HttpStatusCode.OK)]
    [InlineData("application/json;q=0.5, text/event-stream", HttpStatusCode.OK)]
    [InlineData("text/event-stream, */*;q=0.1", HttpStatusCode.OK)]
    [InlineData("text/*, application/json;q=0.9", HttpStatusCode.OK)]
    [InlineData("text/event-stream;q=0.9, application/*;q=0.2", HttpStatusCode.OK)]
    [InlineData("text/event-stream;q=abc", HttpStatusCode.Accepted)] // not a quality: the header cannot be read, as if absent
    [InlineData("text/event-stream;q=\"0.5\"", HttpStatusCode.Accepted)]
    public async Task Accept_picks_the_answer_by_quality(string? accept, HttpStatusCode expected)
    {
        using var response = await SubmitAsync(fixture.Orchestrator, Orchestrator.Task(Fast, maxTokens: 3), accept);

        Assert.Equal(expected, response.StatusCode);
        if (expected == HttpStatusCode.OK) Assert.Equal("end", (await ReadAsync(response))[^1].Event);
        else Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
    }

    private static Task<HttpResponseMessage> SubmitAsync(Orchestrator orchestrator, JsonObject body, string? accept)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/tasks") { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
        if (accept is not null) request.Headers.TryAddWithoutValidation("Accept", accept);
        return orchestrator.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }

    private static async Task<List<SseFrame>> ReadAsync(HttpResponseMessage response)
    {
        var frames = new List<SseFrame>();
        await using var body = await response.Content.ReadAsStreamAsync();
        await foreach (var item in SseParser.Create(body).EnumerateAsync())
        {
            using var data = JsonDocument.Parse(item.Data);
            frames.Add(new SseFrame(item.EventType, data.RootElement.Clone()));
        }
        return frames;
    }

    private static string Header(HttpResponseMessage response, string name) => response.Headers.GetValues(name).Single();

    private static string[] Tokens(List<SseFrame> frames) => [.. frames.Where(f => f.Event == "token").Select(f => f.Data.GetRawText())];
}

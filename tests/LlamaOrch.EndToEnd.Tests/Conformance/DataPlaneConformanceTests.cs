using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LlamaOrch.EndToEnd.Tests.Conformance;

/// <summary>data.yaml through Prism: each operation's success and the errors a real condition reaches.</summary>
[Collection(ConformanceCollection.Name)]
public sealed class DataPlaneConformanceTests(ConformanceFixture fixture)
{
    private PrismProxy Proxy => fixture.Data;

    [Theory]
    [InlineData("/health")]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    public async Task Health_answers_conform(string path)
    {
        using var response = await Proxy.GetAsync(path);
        await ResponseAssert.StatusAsync(HttpStatusCode.OK, response);
    }

    [Fact]
    public async Task A_task_is_admitted_and_its_stream_frames_match_the_frame_schemas()
    {
        var schemas = await FrameSchemas.LoadAsync(OpenApiContracts.Data);
        var body = Orchestrator.Task(ConformanceFixture.Stories, maxTokens: 6);

        using var admitted = await Proxy.PostAsync("/v1/tasks", body.ToJsonString());
        await ResponseAssert.StatusAsync(HttpStatusCode.Accepted, admitted);
        var id = body["task_id"]!.GetValue<string>();

        using var stream = await Proxy.GetAsync($"/v1/tasks/{id}/stream");
        await ResponseAssert.StatusAsync(HttpStatusCode.OK, stream);
        var events = await SseText.ReadAsync(stream);
        foreach (var item in events)
        {
            // The document's SseEvent: the event name and its parsed data, one of the declared frames.
            using var data = JsonDocument.Parse(item.Data);
            var frame = new JsonObject { ["event"] = item.EventType, ["data"] = JsonNode.Parse(item.Data) };
            schemas.AssertValid("SseEvent", JsonSerializer.SerializeToElement(frame), $"task stream frame {item.EventType}");
        }
        Assert.Contains(events, e => e.EventType == "token");
        Assert.Equal("end", events[^1].EventType);

        // The finished task's session, its budget, then its removal.
        var session = body["session_id"]!.GetValue<string>();
        using (var read = await Proxy.GetAsync($"/v1/sessions/{session}")) await ResponseAssert.StatusAsync(HttpStatusCode.OK, read);
        using (var budget = await Proxy.SendAsync(new HttpRequestMessage(HttpMethod.Put, $"/v1/sessions/{session}/budget")
               { Content = new StringContent("""{"tokens":1000}""", System.Text.Encoding.UTF8, "application/json") }))
        {
            await ResponseAssert.StatusAsync(HttpStatusCode.OK, budget);
        }
        using (var deleted = await Proxy.SendAsync(new HttpRequestMessage(HttpMethod.Delete, $"/v1/sessions/{session}")))
        {
            await ResponseAssert.StatusAsync(HttpStatusCode.NoContent, deleted);
        }
    }

    // Well-formed JSON only: Prism never answers a request whose body it cannot parse (the direct tests cover those).
    [Theory]
    [InlineData("""{"task_id":"x","workload":"completion"}""", HttpStatusCode.BadRequest)]
    [InlineData("""{"task_id":"x","workload":"completion","model_ref":"sim:fast","engine":"llamacpp","ctx":256,"priority":"urgent","max_tokens":4,"prompt":"Hi"}""", HttpStatusCode.BadRequest)]
    public async Task A_bad_task_is_answered_with_the_error_envelope(string json, HttpStatusCode expected)
    {
        using var response = await Proxy.PostAsync("/v1/tasks", json);
        await ResponseAssert.StatusAsync(expected, response);
    }

    [Fact]
    public async Task A_task_sent_as_text_is_415()
    {
        using var response = await Proxy.PostAsync("/v1/tasks", Orchestrator.Task(ConformanceFixture.Stories).ToJsonString(), "text/plain");
        await ResponseAssert.StatusAsync(HttpStatusCode.UnsupportedMediaType, response);
    }

    [Fact]
    public async Task Unknown_tasks_and_sessions_are_404()
    {
        var id = Guid.NewGuid();
        using (var stream = await Proxy.GetAsync($"/v1/tasks/{id}/stream")) await ResponseAssert.StatusAsync(HttpStatusCode.NotFound, stream);
        using (var cancel = await Proxy.PostAsync($"/v1/tasks/{id}/cancel")) await ResponseAssert.StatusAsync(HttpStatusCode.NotFound, cancel);
        using (var session = await Proxy.GetAsync($"/v1/sessions/{id}")) await ResponseAssert.StatusAsync(HttpStatusCode.NotFound, session);
    }

    [Fact]
    public async Task A_full_queue_is_429_and_a_running_task_is_cancelled()
    {
        var running = Orchestrator.Task(ConformanceFixture.Slow, maxTokens: 4000, ctx: 4096);
        var queued = Orchestrator.Task(ConformanceFixture.Slow, maxTokens: 4000, ctx: 4096);
        using (var first = await Proxy.PostAsync("/v1/tasks", running.ToJsonString())) await ResponseAssert.StatusAsync(HttpStatusCode.Accepted, first);
        // Once the first has left the queue for the only slot, the second fills the queue of one.
        await fixture.Orchestrator.WaitUntilAsync(h => h["pools"]!.AsArray().Single(p => p!["id"]!.GetValue<string>() == "slow")!["queue_depth"]!.GetValue<int>() == 0);
        using (var second = await Proxy.PostAsync("/v1/tasks", queued.ToJsonString())) await ResponseAssert.StatusAsync(HttpStatusCode.Accepted, second);

        using (var full = await Proxy.PostAsync("/v1/tasks", Orchestrator.Task(ConformanceFixture.Slow).ToJsonString()))
        {
            await ResponseAssert.StatusAsync(HttpStatusCode.TooManyRequests, full);
        }

        foreach (var task in new[] { queued, running })
        {
            using var cancel = await Proxy.PostAsync($"/v1/tasks/{task["task_id"]!.GetValue<string>()}/cancel");
            await ResponseAssert.StatusAsync(HttpStatusCode.NoContent, cancel);
        }
    }

    [Fact]
    public async Task Artifacts_are_stored_listed_read_and_their_lineage_answered()
    {
        var json = $$"""{"kind":"plan","content":{"steps":["{{Guid.NewGuid()}}"]},"tags":["conformance"]}""";
        using var created = await Proxy.PostAsync("/v1/artifacts", json);
        await ResponseAssert.StatusAsync(HttpStatusCode.Created, created);
        var id = JsonNode.Parse(await created.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
        using (var again = await Proxy.PostAsync("/v1/artifacts", json)) await ResponseAssert.StatusAsync(HttpStatusCode.OK, again);

        using (var list = await Proxy.GetAsync("/v1/artifacts?tag=conformance")) await ResponseAssert.StatusAsync(HttpStatusCode.OK, list);
        using (var read = await Proxy.GetAsync($"/v1/artifacts/{id}")) await ResponseAssert.StatusAsync(HttpStatusCode.OK, read);
        using (var lineage = await Proxy.GetAsync($"/v1/artifacts/{id}/lineage")) await ResponseAssert.StatusAsync(HttpStatusCode.OK, lineage);
        using (var missing = await Proxy.GetAsync($"/v1/artifacts/sha256:{new string('0', 64)}")) await ResponseAssert.StatusAsync(HttpStatusCode.NotFound, missing);
        using (var malformed = await Proxy.GetAsync("/v1/artifacts/not-an-id")) await ResponseAssert.StatusAsync(HttpStatusCode.BadRequest, malformed);
        using (var orphan = await Proxy.PostAsync("/v1/artifacts", $$"""{"kind":"plan","content":{},"parent":"sha256:{{new string('1', 64)}}"}"""))
        {
            await ResponseAssert.StatusAsync(HttpStatusCode.BadRequest, orphan);
        }
    }

    [Fact]
    public async Task The_tool_audit_is_read_and_a_bad_filter_is_400()
    {
        using (var audit = await Proxy.GetAsync("/v1/tools/audit?limit=5")) await ResponseAssert.StatusAsync(HttpStatusCode.OK, audit);
        using var bad = await Proxy.GetAsync("/v1/tools/audit?limit=-1");
        await ResponseAssert.StatusAsync(HttpStatusCode.BadRequest, bad);
    }
}

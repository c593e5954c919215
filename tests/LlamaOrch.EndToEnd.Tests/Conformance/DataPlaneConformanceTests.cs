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
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_task_is_admitted_and_its_stream_frames_match_the_frame_schemas()
    {
        var schemas = await FrameSchemas.LoadAsync(OpenApiContracts.Data);
        var body = Orchestrator.Task(ConformanceFixture.Stories, maxTokens: 6);

        using var admitted = await Proxy.PostAsync("/v1/tasks", body.ToJsonString());
        Assert.Equal(HttpStatusCode.Accepted, admitted.StatusCode);
        var id = body["task_id"]!.GetValue<string>();

        using var stream = await Proxy.GetAsync($"/v1/tasks/{id}/stream");
        Assert.Equal(HttpStatusCode.OK, stream.StatusCode);
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
        using (var read = await Proxy.GetAsync($"/v1/sessions/{session}")) Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        using (var budget = await Proxy.SendAsync(new HttpRequestMessage(HttpMethod.Put, $"/v1/sessions/{session}/budget")
               { Content = new StringContent("""{"tokens":1000}""", System.Text.Encoding.UTF8, "application/json") }))
        {
            Assert.Equal(HttpStatusCode.OK, budget.StatusCode);
        }
        using (var deleted = await Proxy.SendAsync(new HttpRequestMessage(HttpMethod.Delete, $"/v1/sessions/{session}")))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }
    }

    [Theory]
    [InlineData("{\"task_id\":", HttpStatusCode.BadRequest)]
    [InlineData("""{"task_id":"x","workload":"completion"}""", HttpStatusCode.BadRequest)]
    public async Task A_bad_task_is_answered_with_the_error_envelope(string json, HttpStatusCode expected)
    {
        using var response = await Proxy.PostAsync("/v1/tasks", json);
        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task A_task_sent_as_text_is_415()
    {
        using var response = await Proxy.PostAsync("/v1/tasks", Orchestrator.Task(ConformanceFixture.Stories).ToJsonString(), "text/plain");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [Fact]
    public async Task A_request_without_the_token_is_401()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/tools/audit");
        request.Headers.Authorization = null;
        using var anonymous = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = Proxy.Http.BaseAddress };
        using var response = await anonymous.SendAsync(request);
        await PrismProxy.AssertConformsAsync(request, response);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Unknown_tasks_and_sessions_are_404()
    {
        var id = Guid.NewGuid();
        using (var stream = await Proxy.GetAsync($"/v1/tasks/{id}/stream")) Assert.Equal(HttpStatusCode.NotFound, stream.StatusCode);
        using (var cancel = await Proxy.PostAsync($"/v1/tasks/{id}/cancel")) Assert.Equal(HttpStatusCode.NotFound, cancel.StatusCode);
        using (var session = await Proxy.GetAsync($"/v1/sessions/{id}")) Assert.Equal(HttpStatusCode.NotFound, session.StatusCode);
    }

    [Fact]
    public async Task A_full_queue_is_429_and_a_running_task_is_cancelled()
    {
        var running = Orchestrator.Task(ConformanceFixture.Slow, maxTokens: 4000);
        var queued = Orchestrator.Task(ConformanceFixture.Slow, maxTokens: 4000);
        using (var first = await Proxy.PostAsync("/v1/tasks", running.ToJsonString())) Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        // Once the first has left the queue for the only slot, the second fills the queue of one.
        await fixture.Orchestrator.WaitUntilAsync(h => h["pools"]!.AsArray().Single(p => p!["id"]!.GetValue<string>() == "slow")!["queue_depth"]!.GetValue<int>() == 0);
        using (var second = await Proxy.PostAsync("/v1/tasks", queued.ToJsonString())) Assert.Equal(HttpStatusCode.Accepted, second.StatusCode);

        using (var full = await Proxy.PostAsync("/v1/tasks", Orchestrator.Task(ConformanceFixture.Slow).ToJsonString()))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, full.StatusCode);
        }

        foreach (var task in new[] { queued, running })
        {
            using var cancel = await Proxy.PostAsync($"/v1/tasks/{task["task_id"]!.GetValue<string>()}/cancel");
            Assert.Equal(HttpStatusCode.NoContent, cancel.StatusCode);
        }
    }

    [Fact]
    public async Task Artifacts_are_stored_listed_read_and_their_lineage_answered()
    {
        var json = $$"""{"kind":"plan","content":{"steps":["{{Guid.NewGuid()}}"]},"tags":["conformance"]}""";
        using var created = await Proxy.PostAsync("/v1/artifacts", json);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = JsonNode.Parse(await created.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
        using (var again = await Proxy.PostAsync("/v1/artifacts", json)) Assert.Equal(HttpStatusCode.OK, again.StatusCode);

        using (var list = await Proxy.GetAsync("/v1/artifacts?tag=conformance")) Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        using (var read = await Proxy.GetAsync($"/v1/artifacts/{id}")) Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        using (var lineage = await Proxy.GetAsync($"/v1/artifacts/{id}/lineage")) Assert.Equal(HttpStatusCode.OK, lineage.StatusCode);
        using (var missing = await Proxy.GetAsync($"/v1/artifacts/sha256:{new string('0', 64)}")) Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        using (var malformed = await Proxy.GetAsync("/v1/artifacts/not-an-id")) Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        using (var orphan = await Proxy.PostAsync("/v1/artifacts", $$"""{"kind":"plan","content":{},"parent":"sha256:{{new string('1', 64)}}"}"""))
        {
            Assert.Equal(HttpStatusCode.BadRequest, orphan.StatusCode);
        }
    }

    [Fact]
    public async Task The_tool_audit_is_read_and_a_bad_filter_is_400()
    {
        using (var audit = await Proxy.GetAsync("/v1/tools/audit?limit=5")) Assert.Equal(HttpStatusCode.OK, audit.StatusCode);
        using var bad = await Proxy.GetAsync("/v1/tools/audit?limit=-1");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }
}

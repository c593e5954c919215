using System.Net;
using System.Text.Json;
using LlamaOrch.Contracts.Artifacts;
using LlamaOrch.Contracts.Catalog;
using LlamaOrch.Contracts.Errors;
using LlamaOrch.Contracts.Sessions;
using LlamaOrch.Contracts.Tasks;
using LlamaOrch.Contracts.Tools;
using LlamaOrch.Testing;

namespace LlamaOrch.Client.Tests;

/// <summary>Every typed call of the client against a real orchestratord with sim pools.</summary>
public sealed class TypedCallTests(SimServer server) : IClassFixture<SimServer>
{
    [Fact]
    public async Task Health_probes_and_metrics_round_trip()
    {
        using var client = server.Client();
        var health = await client.GetHealthAsync();
        Assert.True(health.Value.Ready);
        Assert.Contains(health.Value.Pools, p => p.Id == "fast" && p.Model == SimServer.Fast);
        Assert.True((await client.GetLivenessAsync()).Value.Live);
        var ready = await client.GetReadinessAsync();
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Contains("# TYPE", (await client.GetMetricsTextAsync()).Value);
    }

    [Fact]
    public async Task Capabilities_replicasets_devices_and_pool_health_describe_the_pools()
    {
        using var client = server.Client();
        var capabilities = (await client.GetCapabilitiesAsync()).Value;
        Assert.False(string.IsNullOrEmpty(capabilities.ApiVersion));
        var tiny = Assert.Single(capabilities.Engines, e => e.PoolId == "tiny");
        Assert.Equal(1, tiny.Slots);
        Assert.Equal(1, tiny.RateLimits.QueueCapacity);
        Assert.True(tiny.Features.Synthetic);

        var replicas = (await client.GetReplicaSetsAsync()).Value;
        Assert.Contains(replicas, r => r.PoolId == "fast" && r.SlotsTotal == 4);

        var devices = (await client.GetDevicesAsync()).Value;
        Assert.NotEmpty(devices.Devices);

        var pool = (await client.GetPoolHealthAsync("fast")).Value;
        Assert.True(pool.Ready);
        Assert.Equal(SimServer.Fast, pool.Model);

        var missing = await Assert.ThrowsAsync<LlamaOrchApiException>(() => client.GetPoolHealthAsync("no-such-pool"));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Drain_resume_and_reload_change_the_pools()
    {
        using var client = server.Client();
        var drained = (await client.DrainPoolAsync("r", 1000)).Value;
        Assert.True(drained.Draining);
        Assert.True((await client.GetPoolHealthAsync("r")).Value.Draining);
        var refused = await Assert.ThrowsAsync<LlamaOrchApiException>(() =>
            client.SubmitTaskAsync(new TaskRequestBody { ModelRef = SimServer.Reloadable, Prompt = "x", MaxTokens = 1 }));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);

        var resumed = (await client.ResumePoolAsync("r")).Value;
        Assert.False(resumed.Draining);

        const string next = "sim:r2?tps=500";
        var reloaded = (await client.ReloadPoolAsync("r", next)).Value;
        Assert.Equal("r", reloaded.PoolId);
        Assert.Equal(next, reloaded.ModelRef);
        Assert.Equal(next, (await client.GetPoolHealthAsync("r")).Value.Model);
    }

    [Fact]
    public async Task Catalog_add_get_list_verify_state_and_delete_round_trip()
    {
        using var client = server.Client();
        var added = (await client.RegisterModelAsync(new CatalogModelRequest { Id = "client-sdk-stories", SourceUrl = RepoPaths.Stories260K, Tags = ["tiny"] })).Value;
        Assert.Equal("client-sdk-stories", added.Id);
        Assert.Equal(["tiny"], added.Tags);

        Assert.Equal(RepoPaths.Stories260K, (await client.GetModelAsync("client-sdk-stories")).Value.SourceUrl);
        Assert.Contains((await client.ListModelsAsync(limit: 50)).Value.Models, m => m.Id == "client-sdk-stories");

        var verifying = (await client.VerifyModelAsync("client-sdk-stories")).Value;
        Assert.Equal("client-sdk-stories", verifying.Id);

        var retired = (await client.SetModelStateAsync("client-sdk-stories", "Retired")).Value;
        Assert.Equal("Retired", retired.State);

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteModelAsync("client-sdk-stories")).StatusCode);
        var gone = await Assert.ThrowsAsync<LlamaOrchApiException>(() => client.GetModelAsync("client-sdk-stories"));
        Assert.Equal(ErrorCodes.NotFound, gone.Code);
    }

    [Fact]
    public async Task Sessions_get_budget_and_delete_round_trip()
    {
        using var client = server.Client();
        var session = Guid.NewGuid().ToString();
        var result = await client.RunTask(new TaskRequestBody { ModelRef = SimServer.Fast, SessionId = session, Prompt = "hello", MaxTokens = 4 }).CollectAsync();
        Assert.True(result.Succeeded);

        var report = (await client.GetSessionAsync(session)).Value;
        Assert.Equal(session, report.SessionId);
        Assert.Equal(1, report.Turns);

        var budgeted = (await client.SetSessionBudgetAsync(session, new BudgetRequest(Tokens: 1000))).Value;
        Assert.Equal("advisory", budgeted.BudgetMode);
        Assert.NotNull(budgeted.TokensBudgetRemaining);

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteSessionAsync(session)).StatusCode);
        var gone = await Assert.ThrowsAsync<LlamaOrchApiException>(() => client.GetSessionAsync(session));
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task Artifacts_put_get_list_and_lineage_round_trip()
    {
        using var client = server.Client();
        var kind = "plan";
        var tag = "sdk-" + Guid.NewGuid().ToString("N")[..8];
        var root = (await client.PutArtifactAsync(new ArtifactRequest { Kind = kind, Content = Json("""{"steps":["a","b"]}"""), Tags = [tag] })).Value;
        var child = (await client.PutArtifactAsync(new ArtifactRequest { Kind = "summary", Content = Json("""{"text":"done"}"""), Tags = [tag], Parent = root.Id })).Value;

        var stored = (await client.GetArtifactAsync(root.Id)).Value;
        Assert.Equal("b", stored.Content.GetProperty("steps")[1].GetString());

        var listed = (await client.ListArtifactsAsync(tag: tag)).Value;
        Assert.Equal([root.Id, child.Id], listed.Artifacts.Select(a => a.Id));
        Assert.Equal([root.Id], (await client.ListArtifactsAsync(kind: kind, tag: tag)).Value.Artifacts.Select(a => a.Id));

        var lineage = (await client.GetArtifactLineageAsync(child.Id)).Value;
        Assert.Equal([child.Id, root.Id], lineage.Chain.Select(a => a.Id));

        // Content-addressed: storing the same artifact again is the same artifact.
        Assert.Equal(root.Id, (await client.PutArtifactAsync(new ArtifactRequest { Kind = kind, Content = Json("""{"steps":["a","b"]}"""), Tags = [tag] })).Value.Id);
    }

    [Fact]
    public async Task Tools_fetch_within_policy_refuse_outside_it_and_audit_both()
    {
        using var client = server.Client();
        var session = Guid.NewGuid().ToString();
        var fetched = (await client.FetchHttpAsync(new HttpFetchRequest("GET", server.Target.Url("/hello"), SessionId: session))).Value;
        Assert.Equal(200, fetched.Status);
        Assert.Equal("hello from the target", fetched.Body);

        var denied = await Assert.ThrowsAsync<LlamaOrchApiException>(() =>
            client.FetchHttpAsync(new HttpFetchRequest("GET", "http://192.0.2.1/secret", SessionId: session)));
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        Assert.Equal(ErrorCodes.ToolPolicyDenied, denied.Code);
        Assert.NotNull(denied.PolicyLabel);
        Assert.False(denied.IsRetriable);

        var audit = (await client.GetToolAuditAsync(sessionId: session)).Value;
        Assert.Equal(2, audit.Entries.Count);
        Assert.Single((await client.GetToolAuditAsync(decision: "refused", sessionId: session)).Value.Entries);
        Assert.Equal(2, (await client.GetToolAuditAsync(sessionId: session, tool: "http.fetch", door: "http")).Value.Entries.Count);

        // This server has no search backend configured: the search is refused as unavailable, not retried for ever.
        var search = await Assert.ThrowsAsync<LlamaOrchApiException>(() => client.SearchAsync(new SearchRequest("llama.cpp grammars", SessionId: session)));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, search.StatusCode);
        Assert.Equal(ErrorCodes.ToolUnavailable, search.Code);
    }

    [Fact]
    public async Task A_transcript_replays_into_a_new_task_with_the_same_tokens()
    {
        using var client = server.Client();
        var original = await client.RunTask(new TaskRequestBody { ModelRef = SimServer.Fast, Prompt = "Once upon a time", MaxTokens = 10, Transcript = true }).CollectAsync();
        var transcript = original.End!.TranscriptId!;

        var replay = (await client.ReplayArtifactAsync(transcript)).Value;
        Assert.NotEqual(original.TaskId, replay.TaskId);
        var again = await client.StreamTask(replay.TaskId).CollectAsync();
        Assert.True(again.Succeeded);
        Assert.Equal(original.Text, again.Text);

        var notTranscript = await Assert.ThrowsAsync<LlamaOrchApiException>(() => client.ReplayArtifactAsync("sha256:" + new string('0', 64)));
        Assert.Equal(HttpStatusCode.NotFound, notTranscript.StatusCode);
    }

    [Fact]
    public async Task A_task_runs_to_its_end_with_its_admission_and_every_token_once()
    {
        using var client = server.Client();
        var run = client.RunTask(new TaskRequestBody { ModelRef = SimServer.Fast, Prompt = "Once upon a time", MaxTokens = 12 });
        var indices = new List<int>();
        TaskEvent? last = null;
        await foreach (var frame in run)
        {
            if (frame is TaskEvent.Token token) indices.Add(token.Index);
            last = frame;
        }
        var end = Assert.IsType<TaskEvent.End>(last).Frame;
        Assert.Equal(Enumerable.Range(0, 12), indices);
        Assert.Equal(12, end.TokensOut);
        Assert.NotNull(run.Submission?.Admission);
        Assert.Equal(run.TaskId, run.Submission!.Admission!.TaskId);
        Assert.Equal("fast", run.Submission.Admission.PoolId);
        Assert.Equal(1, run.Submission.Attempts);
    }

    [Fact]
    public async Task Every_call_carries_the_given_correlation_id_and_exposes_the_echo()
    {
        using var client = server.Client();
        var view = client.WithCorrelationId("sdk-corr-42");
        Assert.Equal("sdk-corr-42", (await view.GetCapabilitiesAsync()).CorrelationId);

        var run = view.RunTask(new TaskRequestBody { ModelRef = SimServer.Fast, Prompt = "hi", MaxTokens = 2 });
        await run.CollectAsync();
        Assert.Equal("sdk-corr-42", run.CorrelationId);
        Assert.Equal("sdk-corr-42", run.EchoedCorrelationId);

        // Without one, each call makes its own and the server echoes it.
        var generated = await client.GetHealthAsync();
        Assert.False(string.IsNullOrEmpty(generated.CorrelationId));
        Assert.NotEqual(generated.CorrelationId, (await client.GetHealthAsync()).CorrelationId);
    }

    [Fact]
    public async Task Errors_carry_the_envelope_the_status_and_the_echoed_correlation_id()
    {
        using var client = server.Client();
        var unknown = await Assert.ThrowsAsync<LlamaOrchApiException>(async () =>
        {
            await foreach (var _ in client.WithCorrelationId("sdk-missing").StreamTask(Guid.NewGuid().ToString())) { }
        });
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(ErrorCodes.NotFound, unknown.Code);
        Assert.Equal("sdk-missing", unknown.CorrelationId);
        Assert.NotNull(unknown.Engine);

        var invalid = await Assert.ThrowsAsync<LlamaOrchApiException>(() =>
            client.SubmitTaskAsync(new TaskRequestBody { ModelRef = SimServer.Fast, Prompt = "x", MaxTokens = -3 }));
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Equal(ErrorCodes.InvalidParams, invalid.Code);
        Assert.Contains("max_tokens", invalid.Error.Message);
        Assert.False(invalid.IsRetriable);

        using var stranger = server.Client(token: "not-the-token");
        var refused = await Assert.ThrowsAsync<LlamaOrchApiException>(() => stranger.GetCapabilitiesAsync());
        Assert.True(refused.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden, refused.Message);
        Assert.Equal(ErrorEnvelope.NoEngine, refused.Engine);
    }

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();
}

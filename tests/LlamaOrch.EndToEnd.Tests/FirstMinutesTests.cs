using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlamaOrch.EndToEnd.Tests;

/// <summary>What a new user meets first: a task of one field, the envelope's engine, ids echoed as sent.</summary>
public sealed class FirstMinutesTests(FastPoolFixture fixture) : IClassFixture<FastPoolFixture>
{
    private Orchestrator Orchestrator => fixture.Orchestrator;

    [Fact]
    public async Task A_prompt_alone_is_a_task_the_server_names_and_runs()
    {
        var admitted = await Orchestrator.AdmitAsync(new JsonObject { ["prompt"] = "Once upon a time" });

        var taskId = admitted["task_id"]!.GetValue<string>();
        Assert.True(Guid.TryParse(taskId, out var uuid) && uuid.Version == 4, taskId);
        Assert.True(Guid.TryParse(admitted["session_id"]!.GetValue<string>(), out var session) && session.Version == 4);
        Assert.Equal("p", admitted["pool_id"]!.GetValue<string>());
        var frames = await Orchestrator.StreamAsync(taskId);
        Assert.Equal("started", frames[0].Event);
        Assert.Contains(frames, f => f.Event == "token");
        var end = frames[^1];
        Assert.Equal("end", end.Event);
        // No max_tokens: generation runs until end of sequence or a full context, never past the pool's ctx.
        Assert.InRange(end.Int("tokens_out"), 1, 256);
    }

    [Fact]
    public async Task A_task_id_comes_back_exactly_as_sent_and_matches_whatever_its_case()
    {
        var sent = Guid.NewGuid().ToString().ToUpperInvariant();
        var body = Orchestrator.Task(FastPoolFixture.Model, maxTokens: 3);
        body["task_id"] = sent;

        using var response = await Orchestrator.SubmitAsync(body);
        var admitted = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(sent, admitted["task_id"]!.GetValue<string>());
        Assert.Equal($"/v1/tasks/{sent}/stream", response.Headers.Location!.OriginalString);
        var frames = await Orchestrator.StreamAsync(sent.ToLowerInvariant());
        Assert.Equal("end", frames[^1].Event);
        using var again = await Orchestrator.SubmitAsync(body.DeepClone().AsObject().Also(b => b["task_id"] = sent.ToLowerInvariant()));
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode); // one uuid is one task however it is written (TASK_EXISTS)
    }

    [Fact]
    public async Task Every_error_names_the_engine_concerned_or_none()
    {
        var noPool = Orchestrator.Task("sim:nobody-serves-this");
        using var unavailable = await Orchestrator.SubmitAsync(noPool);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, unavailable.StatusCode);
        Assert.Equal("llamacpp", (await Orchestrator.ErrorOf(unavailable))["engine"]!.GetValue<string>());

        using var badField = await Orchestrator.SubmitAsync(Orchestrator.Task(FastPoolFixture.Model).Also(b => b["priority"] = "urgent"));
        Assert.Equal("llamacpp", (await Orchestrator.ErrorOf(badField))["engine"]!.GetValue<string>());

        using var notJson = await Orchestrator.PostRawAsync("/v1/tasks", "{ not json");
        Assert.Equal("none", (await Orchestrator.ErrorOf(notJson))["engine"]!.GetValue<string>());

        using var anonymous = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = Orchestrator.Address };
        using var unauthorized = await anonymous.GetAsync("/v1/capabilities");
        Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.StatusCode);
        Assert.Equal("none", (await Orchestrator.ErrorOf(unauthorized))["engine"]!.GetValue<string>());

        using var noRoute = await Orchestrator.Http.GetAsync("/v1/nothing-here");
        Assert.Equal("none", (await Orchestrator.ErrorOf(noRoute))["engine"]!.GetValue<string>());

        using var badDrain = await Orchestrator.PostRawAsync("/v1/pools/p/drain", "{}");
        Assert.Equal(HttpStatusCode.BadRequest, badDrain.StatusCode);
        Assert.Equal("llamacpp", (await Orchestrator.ErrorOf(badDrain))["engine"]!.GetValue<string>());
    }

    [Fact]
    public async Task Liveness_is_200_and_readiness_is_200_once_the_pools_serve()
    {
        using var live = await Orchestrator.Http.GetAsync("/health/live");
        using var ready = await Orchestrator.Http.GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.True((await ready.Content.ReadFromJsonAsync<JsonObject>())!["ready"]!.GetValue<bool>());
    }
}

/// <summary>A pool whose replica is still loading its model queues tasks instead of refusing them.</summary>
public sealed class LoadingPoolTests
{
    /// <summary>A synthetic model that takes three seconds to load, as a real GGUF may.</summary>
    private const string SlowLoading = "sim:slow-load?tps=500&load_ms=3000";

    [Fact]
    public async Task A_task_sent_while_the_replica_loads_is_queued_with_a_predicted_start_and_runs_once_it_is_ready()
    {
        await using var orchestrator = await Orchestrator.StartAsync(false, Orchestrator.Pool(SlowLoading, slots: 2));
        var logs = new LogCapture();
        orchestrator.Services.GetRequiredService<ILoggerFactory>().AddProvider(logs);

        using (var notYet = await orchestrator.Http.GetAsync("/health/ready"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, notYet.StatusCode);
            Assert.False((await notYet.Content.ReadFromJsonAsync<JsonObject>())!["ready"]!.GetValue<bool>());
        }
        // Not ready is a state, not an error: a load balancer's probes must not fill the log with Error lines.
        Assert.DoesNotContain(logs.Entries, e => e.Level >= LogLevel.Warning);
        using (var live = await orchestrator.Http.GetAsync("/health/live")) Assert.Equal(HttpStatusCode.OK, live.StatusCode);

        var admitted = await orchestrator.AdmitAsync(Orchestrator.Task(SlowLoading, maxTokens: 4));

        Assert.True(admitted["predicted_start_ms"]!.GetValue<long>() > 0, admitted.ToJsonString());
        var frames = await orchestrator.StreamAsync(admitted["task_id"]!.GetValue<string>());
        Assert.Equal(["started", "end"], frames.Select(f => f.Event).Where(e => e is "started" or "end" or "error"));
        Assert.Equal(4, frames[^1].Int("tokens_out"));
        using var ready = await orchestrator.Http.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }

    [Fact]
    public async Task Readiness_waits_only_for_the_pools_it_is_told_to()
    {
        await using var orchestrator = await Orchestrator.StartAsync(false,
            // A load far longer than the test, so that "still loading" holds however slow this machine is today.
            "Pools:0:Id=fast", "Pools:0:Model=sim:fast?tps=500", "Pools:1:Id=slow", "Pools:1:Model=sim:slow-load?tps=500&load_ms=600000", "Health:ReadyPools:0=fast");
        await orchestrator.WaitUntilAsync(h => h["pools"]![0]!["ready"]!.GetValue<bool>());

        using var ready = await orchestrator.Http.GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        var report = (await ready.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.False(report["pools"]![1]!["ready"]!.GetValue<bool>()); // still loading, and not waited for
    }

    [Fact]
    public async Task A_pool_whose_model_cannot_load_refuses_tasks_with_the_reason()
    {
        // A model file that is not a model: a download cut short and renamed, say.
        var broken = Path.Combine(Directory.CreateTempSubdirectory("llorch-broken-").FullName, "broken.gguf");
        await File.WriteAllBytesAsync(broken, new byte[4096]);
        try
        {
            await using var orchestrator = await Orchestrator.StartAsync(false, Orchestrator.Pool(broken));
            await orchestrator.WaitUntilAsync(h => h["pools"]![0]!["last_error"] is not null);

            using var refused = await orchestrator.SubmitAsync(Orchestrator.Task(broken));

            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            var envelope = await Orchestrator.ErrorOf(refused);
            Assert.Equal("POOL_UNREADY", envelope["code"]!.GetValue<string>());
            Assert.Contains("broken.gguf", envelope["message"]!.GetValue<string>());
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(broken)!, recursive: true);
        }
    }
}

internal static class JsonObjectExtensions
{
    public static JsonObject Also(this JsonObject body, Action<JsonObject> change)
    {
        change(body);
        return body;
    }
}

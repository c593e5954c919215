using System.Net;
using System.Text.Json.Nodes;

namespace LlamaOrch.EndToEnd.Tests;

/// <summary>POST /v1/pools/{id}/reload against real llorch-engine replicas.</summary>
public sealed class ReloadTests
{
    private const string Old = "sim:old?tps=100";
    private const string New = "sim:new?tps=400";

    [Fact]
    public async Task A_reload_switches_models_without_losing_a_queued_or_running_task()
    {
        await using var orchestrator = await Orchestrator.StartAsync(Orchestrator.Pool(Old, slots: 1));
        var running = await orchestrator.AdmitAsync(Orchestrator.Task(Old, maxTokens: 100));
        var queued = await orchestrator.AdmitAsync(Orchestrator.Task(Old, maxTokens: 4));
        var runningFrames = orchestrator.StreamAsync(Id(running));
        var queuedFrames = orchestrator.StreamAsync(Id(queued));

        using var reload = await orchestrator.PostRawAsync("/v1/pools/p/reload", $$"""{"new_model_ref": "{{New}}"}""");
        var body = JsonNode.Parse(await reload.Content.ReadAsStringAsync())!;
        Assert.True(reload.StatusCode == HttpStatusCode.Accepted, body.ToJsonString());
        Assert.Equal(New, body["model_ref"]!.GetValue<string>());
        Assert.Equal(["p-r1"], body["replicas"]!.AsArray().Select(r => r!.GetValue<string>()));

        // Both tasks end normally: the running one on the old replica, the queued one on whichever side freed first.
        Assert.Equal("end", (await runningFrames)[^1].Event);
        var queuedDone = await queuedFrames;
        Assert.Equal("end", queuedDone[^1].Event);
        Assert.Equal("p-r0", (await StartedOn(orchestrator, running)));

        var after = await orchestrator.AdmitAsync(Orchestrator.Task(New, maxTokens: 2));
        Assert.Equal("p-r1", await StartedOn(orchestrator, after));
        using var oldModel = await orchestrator.SubmitAsync(Orchestrator.Task(Old));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, oldModel.StatusCode);

        var health = JsonNode.Parse(await orchestrator.Http.GetStringAsync("/v1/pools/p/health"))!;
        Assert.Equal(New, health["model"]!.GetValue<string>());
        // The old replica's engine is stopped once its task ended.
        await WaitAsync(async () => (await orchestrator.Http.GetStringAsync("/v1/replicasets")).Contains("p-r0") == false);
    }

    [Fact]
    public async Task A_reload_to_a_model_that_cannot_load_answers_409_and_keeps_serving_the_old_one()
    {
        await using var orchestrator = await Orchestrator.StartAsync(Orchestrator.Pool(Old, slots: 1));
        var missing = Path.Combine(Path.GetTempPath(), $"llorch-missing-{Guid.NewGuid():N}.gguf");

        using var reload = await orchestrator.PostRawAsync("/v1/pools/p/reload", $$"""{"new_model_ref": "{{missing}}"}""");

        Assert.Equal(HttpStatusCode.Conflict, reload.StatusCode);
        var error = await Orchestrator.ErrorOf(reload);
        Assert.Equal("RELOAD_CONFLICT", error["code"]!.GetValue<string>());
        Assert.Contains("rolled back", error["message"]!.GetValue<string>());
        Assert.Contains(Path.GetFileName(missing), error["message"]!.GetValue<string>());

        var replicas = JsonNode.Parse(await orchestrator.Http.GetStringAsync("/v1/replicasets"))!.AsArray();
        Assert.Equal(["p-r0"], replicas.Select(r => r!["id"]!.GetValue<string>()));
        var task = await orchestrator.AdmitAsync(Orchestrator.Task(Old, maxTokens: 2));
        Assert.Equal("end", (await orchestrator.StreamAsync(Id(task)))[^1].Event);
    }

    [Fact]
    public async Task Reload_refuses_an_unknown_pool_and_a_body_without_a_model()
    {
        await using var orchestrator = await Orchestrator.StartAsync(Orchestrator.Pool(Old));

        using var unknown = await orchestrator.PostRawAsync("/v1/pools/nope/reload", $$"""{"new_model_ref": "{{New}}"}""");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        using var empty = await orchestrator.PostRawAsync("/v1/pools/p/reload", "{}");
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Contains("new_model_ref", (await Orchestrator.ErrorOf(empty))["message"]!.GetValue<string>());
        using var malformed = await orchestrator.PostRawAsync("/v1/pools/p/reload", "{not json");
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
    }

    [Theory]
    [InlineData("sim:y?tps=abc", "tps='abc'")]
    [InlineData("sim:y?tps=-1", "tps='-1'")]
    [InlineData("sim:y?vram_mib=-5", "vram_mib='-5'")]
    [InlineData("sim:y?speed=3", "unknown parameter 'speed'")]
    public async Task A_reload_to_a_sim_ref_the_engine_would_refuse_is_400_and_starts_no_engine(string modelRef, string problem)
    {
        await using var orchestrator = await Orchestrator.StartAsync(Orchestrator.Pool(Old));

        // It was 409 RELOAD_CONFLICT, after an engine had been started only to exit 2 on its command line.
        using var reload = await orchestrator.PostRawAsync("/v1/pools/p/reload", $$"""{"new_model_ref": "{{modelRef}}"}""");

        Assert.Equal(HttpStatusCode.BadRequest, reload.StatusCode);
        var error = await Orchestrator.ErrorOf(reload);
        Assert.Equal("INVALID_PARAMS", error["code"]!.GetValue<string>());
        Assert.StartsWith("new_model_ref:", error["message"]!.GetValue<string>());
        Assert.Contains(problem, error["message"]!.GetValue<string>());
        Assert.Equal(["p-r0"], JsonNode.Parse(await orchestrator.Http.GetStringAsync("/v1/replicasets"))!.AsArray().Select(r => r!["id"]!.GetValue<string>()));
        Assert.Single(orchestrator.Supervisor.EngineProcessIds);
    }

    private static async Task<string> StartedOn(Orchestrator orchestrator, JsonObject admitted) =>
        (await orchestrator.StreamAsync(Id(admitted))).First(f => f.Event == "started").Data.GetProperty("replica_id").GetString()!;

    private static string Id(JsonObject admitted) => admitted["task_id"]!.GetValue<string>();

    private static async Task WaitAsync(Func<Task<bool>> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!await condition()) await Task.Delay(50, timeout.Token);
    }
}

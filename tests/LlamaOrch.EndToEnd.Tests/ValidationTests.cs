using System.Net;
using System.Text.Json.Nodes;

namespace LlamaOrch.EndToEnd.Tests;

public sealed class ValidationTests(FastPoolFixture fixture) : IClassFixture<FastPoolFixture>
{
    private Orchestrator Orchestrator => fixture.Orchestrator;

    public static TheoryData<string, string> BadBodies => new()
    {
        { "{ not json", "body" },
        { "{\"task_id\": ", "task_id" },
        { "[1,2]", "body" },
        { "null", "body" },
        { Spoil(b => b["ctx"] = "large"), "ctx" },
        { Spoil(b => b["max_tokens"] = 0), "max_tokens" },
        { Spoil(b => { b.Remove("ctx"); b["max_tokens"] = 100_000; }), "max_tokens" },
        { Spoil(b => b["task_id"] = "task-1"), "task_id" },
        { Spoil(b => b["priority"] = "urgent"), "priority" },
        { Spoil(b => b["workload"] = "chat"), "workload" },
        { Spoil(b => b["engine"] = "ollama"), "engine" },
        { Spoil(b => b["ctx"] = 100_000), "ctx" },
        { Spoil(b => b["max_tokens"] = 300), "max_tokens" },
        { Spoil(b => b["prompt"] = new string('x', 1001)), "prompt" },
        { Spoil(b => b["workload"] = "embedding"), "inputs" },
        { Spoil(b => { b["workload"] = "embedding"; b["inputs"] = new JsonArray("a"); }), "workload" },
        { Spoil(b => b["sampler_profile_version"] = "v0"), "sampler_profile_version" },
        { Spoil(b => b["deadline_ms"] = -1), "deadline_ms" },
        { Spoil(b => b["placement"] = new JsonObject { ["mode"] = "pin" }), "placement.pin_pool_id" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task A_bad_body_is_400_INVALID_PARAMS_naming_the_field(string json, string field)
    {
        using var response = await Orchestrator.PostRawAsync("/v1/tasks", json);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var envelope = await Orchestrator.ErrorOf(response);
        Assert.Equal("INVALID_PARAMS", envelope["code"]!.GetValue<string>());
        Assert.StartsWith(field + ":", envelope["message"]!.GetValue<string>());
        // The task's engine once the body names (or defaults to) a real one; "none" for a body that is no task at all.
        Assert.Contains(envelope["engine"]!.GetValue<string>(), (string[])["llamacpp", "none"]);
    }

    [Fact]
    public async Task A_body_over_the_limit_is_413_and_a_non_json_body_415()
    {
        using var large = await Orchestrator.PostRawAsync("/v1/tasks", Spoil(b => b["prompt"] = new string('x', 5000)));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, large.StatusCode);
        Assert.Equal("INVALID_PARAMS", (await Orchestrator.ErrorOf(large))["code"]!.GetValue<string>());

        using var form = await Orchestrator.PostRawAsync("/v1/tasks", "a=b", contentType: "application/x-www-form-urlencoded");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, form.StatusCode);
    }

    [Fact]
    public async Task A_reused_task_id_is_409_TASK_EXISTS_naming_task_id()
    {
        var body = Orchestrator.Task(FastPoolFixture.Model);
        await Orchestrator.AdmitAsync(body);

        using var again = await Orchestrator.SubmitAsync(body);

        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        var error = await Orchestrator.ErrorOf(again);
        Assert.Equal("TASK_EXISTS", error["code"]!.GetValue<string>());
        Assert.False(error["retriable"]!.GetValue<bool>());
        Assert.StartsWith("task_id:", error["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_model_no_pool_serves_is_503_POOL_UNAVAILABLE()
    {
        using var response = await Orchestrator.SubmitAsync(Orchestrator.Task("sim:nobody-serves-this"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var envelope = await Orchestrator.ErrorOf(response);
        Assert.Equal("POOL_UNAVAILABLE", envelope["code"]!.GetValue<string>());
        Assert.Contains("sim:nobody-serves-this", envelope["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_completion_without_a_prompt_starts_from_the_beginning_of_sequence()
    {
        var admitted = await Orchestrator.AdmitAsync(Orchestrator.Task(FastPoolFixture.Model, prompt: null, maxTokens: 5));

        var frames = await Orchestrator.StreamAsync(admitted["task_id"]!.GetValue<string>());

        Assert.Equal("end", frames[^1].Event);
        Assert.Equal(5, frames.Count(f => f.Event == "token"));
    }

    private static string Spoil(Action<JsonObject> change)
    {
        var body = Orchestrator.Task(FastPoolFixture.Model);
        change(body);
        return body.ToJsonString();
    }
}

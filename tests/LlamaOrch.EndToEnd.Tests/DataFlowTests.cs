using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlamaOrch.EndToEnd.Tests;

/// <summary>
/// The data-flow policy over HTTP: a prompt refused by a configured rule with its label, a prompt redacted before it
/// reaches the engine (seen in the task's transcript, which records the request the engine was sent), an artifact
/// refused and one redacted, and logs that name rules but never the secret.
/// </summary>
public sealed class DataFlowTests : IAsyncLifetime
{
    private const string Model = "sim:fast?tps=2000";
    private const string ApiKey = "sk-proj-abcdefghijklmnop1234SECRET";
    private readonly LogCapture _logs = new();
    private Orchestrator _orchestrator = null!;

    public async Task InitializeAsync()
    {
        _orchestrator = await Orchestrator.StartAsync(
        [
            .. Orchestrator.Pool(Model),
            // The default rule first, as an operator who keeps it and adds their own would write it.
            "Tools:DataFlow:Rules:0:Name=secrets", "Tools:DataFlow:Rules:0:Action=redact",
            "Tools:DataFlow:Rules:0:Detectors:0=provider-api-key", "Tools:DataFlow:Rules:0:Detectors:1=private-key",
            "Tools:DataFlow:Rules:1:Name=no-codenames", "Tools:DataFlow:Rules:1:Action=refuse", "Tools:DataFlow:Rules:1:AppliesTo=prompts",
            "Tools:DataFlow:Rules:1:Pattern=(?i)project nightingale",
            "Tools:DataFlow:Rules:2:Name=no-customer-dumps", "Tools:DataFlow:Rules:2:Action=refuse", "Tools:DataFlow:Rules:2:AppliesTo=artifacts",
            "Tools:DataFlow:Rules:2:Pattern=customer_export",
        ]);
        _orchestrator.Services.GetRequiredService<ILoggerFactory>().AddProvider(_logs);
    }

    public async Task DisposeAsync() => await _orchestrator.DisposeAsync();

    [Fact]
    public async Task A_prompt_a_rule_refuses_gets_403_POLICY_DENIED_with_the_rule_as_label_and_is_not_queued()
    {
        var body = Orchestrator.Task(Model, "Summarise the plans of Project Nightingale");
        using var response = await _orchestrator.SubmitAsync(body);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var error = await Orchestrator.ErrorOf(response);
        Assert.Equal("POLICY_DENIED", error["code"]!.GetValue<string>());
        Assert.Equal("no-codenames", error["policy_label"]!.GetValue<string>());
        Assert.False(error["retriable"]!.GetValue<bool>());
        using var stream = await _orchestrator.Http.GetAsync($"/v1/tasks/{body["task_id"]}/stream");
        Assert.Equal(HttpStatusCode.NotFound, stream.StatusCode);

        var logged = Assert.Single(_logs.Entries, e => e.Message.Contains("no-codenames", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Warning, logged.Level);
        Assert.DoesNotContain(_logs.Entries, e => e.Message.Contains("ightingale", StringComparison.OrdinalIgnoreCase));

        // A body without engine is refused naming the engine it defaults to, as every other refusal of a task does.
        var defaulted = Orchestrator.Task(Model, "Project Nightingale again");
        defaulted.Remove("engine");
        using var refusedDefaulted = await _orchestrator.SubmitAsync(defaulted);
        Assert.Equal(HttpStatusCode.Forbidden, refusedDefaulted.StatusCode);
        Assert.Equal("llamacpp", (await Orchestrator.ErrorOf(refusedDefaulted))["engine"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_input_a_rule_refuses_is_refused_like_a_prompt()
    {
        var body = new JsonObject
        {
            ["workload"] = "embedding", ["model_ref"] = Model, ["engine"] = "llamacpp",
            ["inputs"] = new JsonArray("harmless", "project NIGHTINGALE budget"),
        };
        using var response = await _orchestrator.SubmitAsync(body);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("no-codenames", (await Orchestrator.ErrorOf(response))["policy_label"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_secret_in_a_prompt_is_masked_before_the_engine_gets_it_and_the_answer_says_so()
    {
        var body = Orchestrator.Task(Model, $"Deploy with key {ApiKey} please", maxTokens: 4);
        body["transcript"] = true;
        using var response = await _orchestrator.SubmitAsync(body);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("secrets", Assert.Single(response.Headers.GetValues("X-Policy-Redacted")));
        var frames = await _orchestrator.StreamAsync(body["task_id"]!.GetValue<string>());
        var end = frames[^1];
        Assert.Equal("end", end.Event);

        // The transcript records the prompt of the engine request, so it shows what the engine was sent.
        var transcript = await GetAsync($"/v1/artifacts/{end.Str("transcript_id")}");
        Assert.Equal("Deploy with key [REDACTED] please", transcript["content"]!["prompt"]!.GetValue<string>());
        Assert.DoesNotContain(_logs.Entries, e => e.Message.Contains("SECRET", StringComparison.Ordinal));
        Assert.Contains(_logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("secrets", StringComparison.Ordinal) && e.Message.Contains("redacted", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_prompt_without_a_match_passes_unchanged_and_without_the_header()
    {
        using var response = await _orchestrator.SubmitAsync(Orchestrator.Task(Model, "The bearer of good news", maxTokens: 2));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.False(response.Headers.Contains("X-Policy-Redacted"));
    }

    [Fact]
    public async Task An_artifact_a_rule_refuses_gets_403_and_is_not_stored()
    {
        using var response = await _orchestrator.PostRawAsync("/v1/artifacts",
            """{"kind": "logs", "content": {"lines": ["ok", "running customer_export to /tmp"]}}""");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var error = await Orchestrator.ErrorOf(response);
        Assert.Equal("POLICY_DENIED", error["code"]!.GetValue<string>());
        Assert.Equal("no-customer-dumps", error["policy_label"]!.GetValue<string>());
        var listed = await GetAsync("/v1/artifacts?kind=logs");
        Assert.Empty(listed["artifacts"]!.AsArray());
    }

    [Fact]
    public async Task A_prompt_only_rule_does_not_touch_artifacts_and_an_artifact_only_rule_does_not_touch_prompts()
    {
        using var artifact = await _orchestrator.PostRawAsync("/v1/artifacts", """{"kind": "plan", "content": {"name": "Project Nightingale"}}""");
        Assert.Equal(HttpStatusCode.Created, artifact.StatusCode);

        using var task = await _orchestrator.SubmitAsync(Orchestrator.Task(Model, "explain customer_export", maxTokens: 2));
        Assert.Equal(HttpStatusCode.Accepted, task.StatusCode);
    }

    [Fact]
    public async Task A_secret_in_an_artifact_is_masked_before_it_is_stored_and_hashed()
    {
        using var response = await _orchestrator.PostRawAsync("/v1/artifacts",
            $$$"""{"kind": "trace", "content": {"steps": [{"env": "OPENAI_API_KEY={{{ApiKey}}}"}], "n": 2}, "metadata": {"note": "key {{{ApiKey}}}"}}""");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("secrets", Assert.Single(response.Headers.GetValues("X-Policy-Redacted")));
        var id = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
        var stored = await GetAsync($"/v1/artifacts/{id}");
        Assert.Equal("""{"n":2,"steps":[{"env":"OPENAI_API_KEY=[REDACTED]"}]}""", stored["content"]!.ToJsonString());
        Assert.Equal("""{"note":"key [REDACTED]"}""", stored["metadata"]!.ToJsonString());

        // The id is the hash of what was stored: the redacted form posted as it is finds the same artifact.
        using var again = await _orchestrator.PostRawAsync("/v1/artifacts",
            """{"kind": "trace", "content": {"steps": [{"env": "OPENAI_API_KEY=[REDACTED]"}], "n": 2}, "metadata": {"note": "key [REDACTED]"}}""");
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(id, JsonNode.Parse(await again.Content.ReadAsStringAsync())!["id"]!.GetValue<string>());
        Assert.DoesNotContain(_logs.Entries, e => e.Message.Contains("SECRET", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("/v1/tasks", "stop", """["done", "Project Nightingale"]""")]
    [InlineData("/v1/tasks", "grammar", "\"root ::= \\\"project nightingale\\\"\"")]
    [InlineData("/v1/completions", "stop", "\"project nightingale\"")]
    [InlineData("/v1/messages", "stop_sequences", """["project nightingale"]""")]
    public async Task A_stop_string_or_grammar_a_rule_refuses_is_refused_like_the_prompt_on_every_door(string path, string field, string value)
    {
        var body = path == "/v1/tasks"
            ? Orchestrator.Task(Model, "hello", maxTokens: 2)
            : new JsonObject
            {
                ["model"] = "p", ["max_tokens"] = 2, ["prompt"] = path == "/v1/completions" ? "hello" : null,
                ["messages"] = path == "/v1/messages" ? new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "hello" }) : null,
            };
        body[field] = JsonNode.Parse(value);
        foreach (var absent in body.Where(p => p.Value is null).Select(p => p.Key).ToList()) body.Remove(absent);

        using var response = await _orchestrator.PostRawAsync(path, body.ToJsonString());

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("no-codenames", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_secret_in_a_stop_string_is_masked_before_the_engine_and_the_transcript_get_it()
    {
        var body = Orchestrator.Task(Model, "Tell a story", maxTokens: 4);
        body["stop"] = new JsonArray("THE END", ApiKey);
        body["transcript"] = true;
        using var response = await _orchestrator.SubmitAsync(body);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("secrets", Assert.Single(response.Headers.GetValues("X-Policy-Redacted")));
        var end = (await _orchestrator.StreamAsync(body["task_id"]!.GetValue<string>()))[^1];
        var transcript = await GetAsync($"/v1/artifacts/{end.Str("transcript_id")}");
        Assert.Equal("""["THE END","[REDACTED]"]""", transcript["content"]!["stop"]!.ToJsonString());
    }

    [Theory]
    [InlineData("""{"kind": "logs", "content": {"a": 1}, "tags": ["ok", "customer_export"]}""")]
    [InlineData("""{"kind": "logs", "content": {"customer_export": 1}}""")]
    [InlineData("""{"kind": "logs", "content": {"a": 1}, "metadata": {"run": {"customer_export": true}}}""")]
    public async Task An_artifact_tag_or_member_name_a_rule_refuses_is_refused(string json)
    {
        using var response = await _orchestrator.PostRawAsync("/v1/artifacts", json);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("no-customer-dumps", (await Orchestrator.ErrorOf(response))["policy_label"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_secret_in_an_artifact_tag_or_member_name_is_masked_before_it_is_stored()
    {
        using var response = await _orchestrator.PostRawAsync("/v1/artifacts",
            $$$"""{"kind": "trace", "content": {"{{{ApiKey}}}": "x"}, "metadata": {"{{{ApiKey}}}": true}, "tags": ["ok", "{{{ApiKey}}}"]}""");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("secrets", Assert.Single(response.Headers.GetValues("X-Policy-Redacted")));
        var stored = await GetAsync($"/v1/artifacts/{JsonNode.Parse(await response.Content.ReadAsStringAsync())!["id"]!.GetValue<string>()}");
        Assert.Equal("""{"[REDACTED]":"x"}""", stored["content"]!.ToJsonString());
        Assert.Equal("""{"[REDACTED]":true}""", stored["metadata"]!.ToJsonString());
        Assert.Equal("""["[REDACTED]","ok"]""", stored["tags"]!.ToJsonString());
    }

    private async Task<JsonObject> GetAsync(string path)
    {
        using var response = await _orchestrator.Http.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }
}

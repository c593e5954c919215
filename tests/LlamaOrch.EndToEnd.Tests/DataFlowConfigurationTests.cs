using System.Net;
using System.Text.Json.Nodes;
using LlamaOrch.Core.Policy;
using LlamaOrch.Server.Configuration;

namespace LlamaOrch.EndToEnd.Tests;

/// <summary>The data-flow policy's defaults, switching it off, an operator's own policy type, and rules that stop the start.</summary>
public sealed class DataFlowConfigurationTests
{
    private const string Secret = "sk-ant-api03-abcdefghijklmnopqrstuvwxyz";

    private static async Task<(HttpStatusCode Status, string? Redacted, JsonObject Body)> PostArtifactAsync(Orchestrator orchestrator, string text)
    {
        using var response = await orchestrator.PostRawAsync("/v1/artifacts", new JsonObject { ["kind"] = "summary", ["content"] = new JsonObject { ["text"] = text } }.ToJsonString());
        var redacted = response.Headers.TryGetValues("X-Policy-Redacted", out var values) ? values.Single() : null;
        return (response.StatusCode, redacted, JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject());
    }

    [Fact]
    public async Task By_default_provider_keys_are_redacted_and_ordinary_text_passes()
    {
        await using var orchestrator = await Orchestrator.StartAsync(false, Orchestrator.Pool(FastPoolFixture.Model));

        var (status, redacted, _) = await PostArtifactAsync(orchestrator, $"key {Secret}");
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal("secrets", redacted);

        var (plain, none, _) = await PostArtifactAsync(orchestrator, "Authorization: Bearer is a header name");
        Assert.Equal(HttpStatusCode.Created, plain);
        Assert.Null(none);
    }

    [Fact]
    public async Task Switched_off_nothing_is_redacted()
    {
        await using var orchestrator = await Orchestrator.StartAsync(false, [.. Orchestrator.Pool(FastPoolFixture.Model), "Tools:DataFlow:Enabled=false"]);

        var (status, redacted, body) = await PostArtifactAsync(orchestrator, $"key {Secret}");

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Null(redacted);
        using var shown = await orchestrator.Http.GetAsync($"/v1/artifacts/{body["id"]}");
        Assert.Contains(Secret, await shown.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_policy_named_by_type_decides_every_prompt_and_artifact()
    {
        await using var orchestrator = await Orchestrator.StartAsync([
            .. Orchestrator.Pool(FastPoolFixture.Model),
            $"Tools:DataFlowPolicyType={typeof(NoQuestionsPolicy).AssemblyQualifiedName}",
        ]);

        using var task = await orchestrator.SubmitAsync(Orchestrator.Task(FastPoolFixture.Model, "why?"));
        Assert.Equal(HttpStatusCode.Forbidden, task.StatusCode);
        Assert.Equal("no-questions", (await Orchestrator.ErrorOf(task))["policy_label"]!.GetValue<string>());

        var (status, _, body) = await PostArtifactAsync(orchestrator, "what?");
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("no-questions", body["policy_label"]!.GetValue<string>());

        // The configured default is replaced, not added to: its secret rule no longer runs.
        var (stored, redacted, _) = await PostArtifactAsync(orchestrator, $"key {Secret}");
        Assert.Equal(HttpStatusCode.Created, stored);
        Assert.Null(redacted);
    }

    [Theory]
    [InlineData("Tools:DataFlowPolicyType=System.String", "Orchestrator:Tools:DataFlowPolicyType")]
    [InlineData("Tools:DataFlow:Rules:0:Action=refuse", "Orchestrator:Tools:DataFlow:Rules:0:Name")]
    public async Task A_policy_or_rule_that_cannot_be_used_stops_the_start(string setting, string key)
    {
        var error = await Assert.ThrowsAsync<ConfigurationException>(() => Orchestrator.StartAsync(false, [.. Orchestrator.Pool(FastPoolFixture.Model), setting]));
        Assert.Contains(key, error.Message);
    }

    [Theory]
    [InlineData("Action=block", "Action: 'block'")]
    [InlineData("AppliesTo=tools", "AppliesTo: 'tools'")]
    [InlineData("Detectors:0=passwords", "unknown detector 'passwords'")]
    [InlineData("Pattern=(?<=a)b", "cannot be used")]
    public async Task A_rule_with_a_bad_field_stops_the_start_naming_it(string field, string problem)
    {
        var error = await Assert.ThrowsAsync<ConfigurationException>(() => Orchestrator.StartAsync(false,
        [
            .. Orchestrator.Pool(FastPoolFixture.Model), "Tools:DataFlow:Rules:0:Name=r", "Tools:DataFlow:Rules:0:Pattern=x",
            "Tools:DataFlow:Rules:0:Action=redact", "Tools:DataFlow:Rules:0:" + field,
        ]));
        Assert.Contains(problem, error.Message);
        Assert.Contains("Orchestrator:Tools:DataFlow:Rules:0", error.Message);
    }
}

/// <summary>Refuses any text with a question mark, in prompts and artifacts alike.</summary>
public sealed class NoQuestionsPolicy : IDataFlowPolicy
{
    public DataFlowDecision Check(DataFlowScope where, string text) =>
        text.Contains('?', StringComparison.Ordinal) ? DataFlowDecision.Refuse("no-questions", "questions are not allowed here") : DataFlowDecision.Pass(text);
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using LlamaOrch.Core.Policy;
using LlamaOrch.Server.Configuration;

namespace LlamaOrch.EndToEnd.Tests;

/// <summary>An operator's own <see cref="IToolPolicy"/>, named in configuration, replaces the configured one.</summary>
public sealed class ToolPolicyPluginTests
{
    [Fact]
    public async Task A_policy_named_by_type_decides_every_fetch()
    {
        await using var orchestrator = await Orchestrator.StartAsync([
            .. Orchestrator.Pool(FastPoolFixture.Model),
            $"Tools:PolicyType={typeof(OnlyExampleOrgPolicy).AssemblyQualifiedName}",
        ]);

        var answer = await orchestrator.Http.PostAsJsonAsync("/v1/tools/http/fetch", new JsonObject { ["method"] = "GET", ["url"] = "https://example.com/" });

        Assert.Equal(HttpStatusCode.Forbidden, answer.StatusCode);
        Assert.Equal("only-example-org", JsonNode.Parse(await answer.Content.ReadAsStringAsync())!["policy_label"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("Tools:PolicyType=No.Such.Policy")]
    [InlineData("Tools:PolicyType=System.String")]
    [InlineData("Tools:PolicyAssembly=/nonexistent/policy.dll")]
    public async Task A_policy_that_cannot_be_loaded_stops_the_start(string setting)
    {
        await Assert.ThrowsAsync<ConfigurationException>(() => Orchestrator.StartAsync(false, [.. Orchestrator.Pool(FastPoolFixture.Model), setting]));
    }
}

/// <summary>Refuses every host but example.org, before any resolution.</summary>
public sealed class OnlyExampleOrgPolicy : IToolPolicy
{
    public ToolDecision CheckTarget(Uri url) =>
        url.Host == "example.org" ? ToolDecision.Allow : ToolDecision.Refuse("only-example-org", "only example.org");

    public ToolDecision CheckAddress(Uri url, IPAddress address) => ToolDecision.Allow;
}

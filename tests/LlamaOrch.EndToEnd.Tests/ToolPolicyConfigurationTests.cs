using LlamaOrch.Server.Configuration;

namespace LlamaOrch.EndToEnd.Tests;

/// <summary>A host entry the policy could never match stops the start, naming the key: a deny list that matches nothing would fail open.</summary>
public sealed class ToolPolicyConfigurationTests
{
    [Theory]
    [InlineData("DenyHosts", "http://127.0.0.1:18141/")]
    [InlineData("DenyHosts", "127.0.0.1:18141/")]
    [InlineData("AllowHosts", "user@example.com")]
    [InlineData("AllowHosts", "example.com:70000")]
    public async Task A_host_entry_that_is_not_a_host_stops_the_start_naming_it(string list, string entry)
    {
        var error = await Assert.ThrowsAsync<ConfigurationException>(() => Orchestrator.StartAsync(false,
            [.. Orchestrator.Pool(FastPoolFixture.Model), $"Tools:Http:{list}:0=example.org", $"Tools:Http:{list}:1={entry}"]));

        Assert.Contains($"Orchestrator:Tools:Http:{list}:1", error.Message, StringComparison.Ordinal);
        Assert.Contains(entry, error.Message, StringComparison.Ordinal);
    }
}

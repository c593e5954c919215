using LlamaOrch.Contracts.Tools;

namespace LlamaOrch.Client.Tests.Cli;

/// <summary><c>llorch tools audit</c> with its filters, over one allowed and one refused fetch.</summary>
[Collection(CliServer.Name)]
public sealed class CliToolsAuditTests(SimServer server)
{
    private readonly Llorch _llorch = new(server.Orchestrator.Address);

    [Fact]
    public async Task The_audit_is_listed_and_filtered_by_session_decision_tool_door_and_time()
    {
        var session = Guid.NewGuid().ToString();
        using (var client = server.Client())
        {
            await client.FetchHttpAsync(new HttpFetchRequest("GET", server.Target.Url("/hello"), SessionId: session));
            await Assert.ThrowsAsync<LlamaOrchApiException>(() => client.FetchHttpAsync(new HttpFetchRequest("GET", "http://192.0.2.1/secret", SessionId: session)));
        }

        var both = (await _llorch.RunAsync("tools", "audit", "--session", session, "--json")).Json;
        Assert.Equal(["refused", "allowed"], both.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("decision").GetString()));

        var refused = (await _llorch.RunAsync("tools", "audit", "--session", session, "--decision", "refused", "--tool", "http.fetch",
            "--door", "http", "--since", "10m", "--json")).Json;
        var entry = Assert.Single(refused.GetProperty("entries").EnumerateArray());
        Assert.Contains("192.0.2.1", entry.GetProperty("url").GetString());

        var none = (await _llorch.RunAsync("tools", "audit", "--session", session, "--door", "mcp", "--json")).Json;
        Assert.Empty(none.GetProperty("entries").EnumerateArray());

        var table = await _llorch.RunAsync("tools", "audit", "--session", session, "--limit", "1");
        Assert.True(table.Code == 0, table.ToString());
        Assert.Contains("192.0.2.1", table.Stdout);
        Assert.DoesNotContain("/hello", table.Stdout);
        Assert.Contains("older entries: llorch tools audit --cursor", table.Stderr);
    }

    [Fact]
    public async Task A_filter_value_the_server_does_not_know_is_a_usage_error()
    {
        var start = new LlorchStart { Url = "http://127.0.0.1:1" };
        Assert.Equal(2, (await _llorch.RunAsync(["tools", "audit", "--decision", "maybe"], start)).Code);
        var since = await _llorch.RunAsync(["tools", "audit", "--since", "yesterday"], start);
        Assert.Equal(2, since.Code);
        Assert.Contains("neither a time", since.Stderr);
        Assert.Equal(2, (await _llorch.RunAsync(["tools", "audit", "--limit", "501"], start)).Code);
    }
}

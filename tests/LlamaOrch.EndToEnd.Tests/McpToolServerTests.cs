using System.Net;
using System.Text.Json.Nodes;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace LlamaOrch.EndToEnd.Tests;

/// <summary>
/// The MCP server at <c>/v1/mcp</c>, driven by the MCP C# client over Streamable HTTP against a real orchestratord:
/// its tools make the same calls as the HTTP endpoints (policy, redaction, audit with door <c>mcp</c>), behind the API token.
/// </summary>
public sealed class McpToolServerTests : IAsyncLifetime
{
    private LocalTarget _target = null!;
    private SearchBackend _backend = null!;
    private Orchestrator _orchestrator = null!;

    public async Task InitializeAsync()
    {
        _target = await LocalTarget.StartAsync();
        _backend = await SearchBackend.StartAsync();
        _orchestrator = await Orchestrator.StartAsync([
            .. Orchestrator.Pool(FastPoolFixture.Model),
            $"Tools:Search:Url={_backend.Url}",
            $"Tools:Http:AllowHosts:0=127.0.0.1:{_target.Port}",
            $"Tools:Http:AllowHosts:1=127.0.0.1:{_backend.Port}",
            // Passes the lists, but a wildcard entry never opens a loopback address: refused by address class.
            $"Tools:Http:AllowHosts:2=*.0.0.2:{_target.Port}",
        ]);
    }

    public async Task DisposeAsync()
    {
        await _orchestrator.DisposeAsync();
        await _backend.DisposeAsync();
        await _target.DisposeAsync();
    }

    [Fact]
    public async Task An_agent_lists_both_tools_and_each_call_goes_through_the_policy_and_into_the_audit_as_mcp()
    {
        var session = Guid.NewGuid().ToString();
        var correlation = $"agent-{Guid.NewGuid():N}";
        await using var client = await ConnectAsync(new Dictionary<string, string>
        {
            ["Authorization"] = $"Bearer {Orchestrator.Token}", ["X-Session-Id"] = session, ["X-Correlation-Id"] = correlation,
        });

        var tools = await client.ListToolsAsync();
        Assert.Equal(["http_fetch", "web_search"], tools.Select(t => t.Name).Order());

        var fetched = await client.CallToolAsync("http_fetch", new Dictionary<string, object?> { ["url"] = _target.Url("/hello") });
        Assert.NotEqual(true, fetched.IsError);
        Assert.Contains("hello from the target", TextOf(fetched), StringComparison.Ordinal);
        Assert.StartsWith("HTTP 200", TextOf(fetched), StringComparison.Ordinal);

        var denied = await client.CallToolAsync("http_fetch", new Dictionary<string, object?> { ["url"] = $"http://127.0.0.2:{_target.Port}/hello" });
        Assert.True(denied.IsError);
        Assert.Contains("tool-address-class", TextOf(denied), StringComparison.Ordinal);
        Assert.Contains("TOOL_POLICY_DENIED", TextOf(denied), StringComparison.Ordinal);

        var found = await client.CallToolAsync("web_search", new Dictionary<string, object?> { ["query"] = "mcp search", ["limit"] = 2 });
        Assert.NotEqual(true, found.IsError);
        Assert.Contains("about mcp search", TextOf(found), StringComparison.Ordinal);
        Assert.Contains("https://example.org/a", TextOf(found), StringComparison.Ordinal);

        var invalid = await client.CallToolAsync("http_fetch", new Dictionary<string, object?> { ["url"] = "not a url" });
        Assert.True(invalid.IsError);
        Assert.Contains("url:", TextOf(invalid), StringComparison.Ordinal);

        var rows = (await AuditAsync($"session={session}")).Select(r => r!).Reverse().ToList();
        Assert.All(rows, r => Assert.Equal("mcp", r["door"]!.GetValue<string>()));
        Assert.Equal(["allowed", "refused", "allowed", "invalid"], rows.Select(r => r["decision"]!.GetValue<string>()));
        Assert.Equal(["http.fetch", "http.fetch", "search", "http.fetch"], rows.Select(r => r["tool"]!.GetValue<string>()));
        Assert.Equal("tool-address-class", rows[1]["rule"]!.GetValue<string>());
        Assert.Equal(_backend.Url, rows[2]["url"]!.GetValue<string>());
        // Each call's own request's id: the client sent it on every request.
        Assert.All(rows, r => Assert.Equal(correlation, r["correlation_id"]!.GetValue<string>()));
        Assert.Empty(await AuditAsync($"session={session}&door=http"));
    }

    [Fact]
    public async Task Capabilities_name_the_tools_and_the_mcp_endpoint()
    {
        var tools = JsonNode.Parse(await _orchestrator.Http.GetStringAsync("/v1/capabilities"))!["features"]!["tools"]!;

        Assert.True(tools["search_backend"]!.GetValue<bool>());
        Assert.Equal("/v1/mcp", tools["mcp_endpoint"]!.GetValue<string>());
        Assert.Equal(["http_fetch", "web_search"], tools["mcp_tools"]!.AsArray().Select(t => t!.GetValue<string>()));
        Assert.Contains("/v1/tools/search", tools["endpoints"]!.AsArray().Select(t => t!.GetValue<string>()));
    }

    [Fact]
    public async Task Without_the_api_token_the_mcp_endpoint_is_401()
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = _orchestrator.Address };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/mcp")
        {
            Content = new StringContent("""{"jsonrpc":"2.0","id":1,"method":"tools/list"}""", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.Accept.ParseAdd("text/event-stream");

        var answer = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
        Assert.Equal("UNAUTHORIZED", JsonNode.Parse(await answer.Content.ReadAsStringAsync())!["code"]!.GetValue<string>());
        await Assert.ThrowsAnyAsync<Exception>(async () => await (await ConnectAsync(new Dictionary<string, string>())).DisposeAsync());
    }

    private Task<McpClient> ConnectAsync(Dictionary<string, string> headers) =>
        McpClient.CreateAsync(new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = new Uri(_orchestrator.Address, "/v1/mcp"),
            TransportMode = HttpTransportMode.StreamableHttp,
            AdditionalHeaders = headers,
        }));

    private static string TextOf(CallToolResult result) => string.Concat(result.Content.OfType<TextContentBlock>().Select(b => b.Text));

    private async Task<JsonArray> AuditAsync(string query) =>
        JsonNode.Parse(await _orchestrator.Http.GetStringAsync($"/v1/tools/audit?{query}"))!["entries"]!.AsArray();
}

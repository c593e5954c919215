using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace LlamaOrch.EndToEnd.Tests;

/// <summary>
/// The MCP server at <c>/v1/mcp</c>, driven by the MCP C# client over Streamable HTTP against a real orchestratord:
/// its tools make the same calls as the HTTP endpoints (policy, redaction, audit with door <c>mcp</c>), behind the API token.
/// </summary>
public sealed class McpToolServerTests : IAsyncLifetime
{
    private readonly LogCapture _logs = new();
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
        _orchestrator.Services.GetRequiredService<ILoggerFactory>().AddProvider(_logs);
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

    [Theory]
    [InlineData("""{"name": "nope", "arguments": {}}""")]
    [InlineData("""{"name": "http_fetch", "arguments": [1, 2]}""")]
    [InlineData("""{"arguments": {}}""")]
    [InlineData("\"x\"")]
    public async Task An_unknown_tool_or_malformed_call_params_are_invalid_params_and_log_no_error(string parameters)
    {
        var errorsBefore = _logs.Entries.Count(e => e.Level >= LogLevel.Error);

        using var response = await _orchestrator.Http.SendAsync(McpRequest($$$"""{"jsonrpc": "2.0", "id": 5, "method": "tools/call", "params": {{{parameters}}}}"""));

        var answer = await RpcAnswerAsync(response);
        Assert.Equal(-32602, answer["error"]!["code"]!.GetValue<int>());
        Assert.Equal(errorsBefore, _logs.Entries.Count(e => e.Level >= LogLevel.Error));
    }

    [Fact]
    public async Task A_caller_that_goes_away_after_the_request_reached_the_target_is_audited_as_failed_on_either_door()
    {
        var httpSession = Guid.NewGuid().ToString();
        await LeaveOnceHeldAsync("amount=1000", token => _orchestrator.Http.PostAsJsonAsync("/v1/tools/http/fetch", new JsonObject
        {
            ["method"] = "POST", ["url"] = _target.Url("/hold"), ["body"] = "amount=1000", ["session_id"] = httpSession,
        }, token));
        var mcpSession = Guid.NewGuid().ToString();
        await LeaveOnceHeldAsync("amount=2000", token =>
        {
            var request = McpRequest($$"""
                {"jsonrpc": "2.0", "id": 6, "method": "tools/call", "params": {"name": "http_fetch",
                 "arguments": {"method": "POST", "url": "{{_target.Url("/hold")}}", "body": "amount=2000"} } }
                """);
            request.Headers.Add("X-Session-Id", mcpSession);
            return _orchestrator.Http.SendAsync(request, token);
        });

        foreach (var (session, door) in new[] { (httpSession, "http"), (mcpSession, "mcp") })
        {
            // Written once orchestratord has seen the client go, which is after the client has gone.
            await OrchestratordProcess.WaitForAsync(async () => (await AuditAsync($"session={session}")).Count > 0);
            var row = Assert.Single(await AuditAsync($"session={session}"))!;
            Assert.Equal(("failed", door), (row["decision"]!.GetValue<string>(), row["door"]!.GetValue<string>()));
            Assert.Contains("went away", row["reason"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.Equal("127.0.0.1", row["resolved_address"]!.GetValue<string>());
            Assert.Equal(11, row["bytes_out"]!.GetValue<long>());
        }
    }

    /// <summary>Sends a call to <c>/hold</c> and cancels it once the target has read <paramref name="body"/>.</summary>
    private async Task LeaveOnceHeldAsync(string body, Func<CancellationToken, Task<HttpResponseMessage>> send)
    {
        using var leaving = new CancellationTokenSource();
        var call = send(leaving.Token);
        Assert.Equal(body, await _target.Held.ReadAsync());
        await leaving.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
    }

    private static HttpRequestMessage McpRequest(string json)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/mcp") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.Accept.ParseAdd("text/event-stream");
        return request;
    }

    /// <summary>The JSON-RPC answer, whether it came as JSON or as the one message of an event stream.</summary>
    private static async Task<JsonNode> RpcAnswerAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        if (response.Content.Headers.ContentType?.MediaType == "text/event-stream")
            text = text.Split('\n').Single(line => line.StartsWith("data:", StringComparison.Ordinal))["data:".Length..];
        return JsonNode.Parse(text)!;
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

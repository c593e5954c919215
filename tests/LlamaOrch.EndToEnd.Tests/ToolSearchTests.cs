using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace LlamaOrch.EndToEnd.Tests;

/// <summary>
/// <c>POST /v1/tools/search</c> against a SearXNG stand-in on 127.0.0.1 (allow-listed by address and port, as an
/// operator must for a LAN or loopback backend), through the same policy as a fetch: redirects checked hop by hop,
/// limits, redaction both ways, and one audit row per call, invalid ones included.
/// </summary>
public sealed class ToolSearchTests : IAsyncLifetime
{
    private SearchBackend _backend = null!;
    private Orchestrator _orchestrator = null!;

    public async Task InitializeAsync()
    {
        _backend = await SearchBackend.StartAsync();
        _orchestrator = await Orchestrator.StartAsync([
            .. Orchestrator.Pool(FastPoolFixture.Model),
            $"Tools:Search:Url={_backend.Url}",
            $"Tools:Http:AllowHosts:0=127.0.0.1:{_backend.Port}",
            // A wildcard entry lets a name through the lists, never to a loopback or private address.
            $"Tools:Http:AllowHosts:1=*.0.0.3:{_backend.Port}",
            "Tools:Http:DenyHosts:0=127.0.0.2",
            "Tools:Http:RedactPatterns:0=internal-[0-9]{4}",
            "Tools:Search:MaxResponseBytes=20000",
            "Tools:Search:TimeoutMs=1000",
        ]);
    }

    public async Task DisposeAsync()
    {
        await _orchestrator.DisposeAsync();
        await _backend.DisposeAsync();
    }

    [Fact]
    public async Task Results_come_back_in_the_contract_shape_and_the_audit_keeps_the_backend_not_the_query()
    {
        var session = Guid.NewGuid().ToString();
        var answer = await SearchAsync(new JsonObject { ["query"] = "llama grammar", ["session_id"] = session });

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var body = await Json(answer);
        Assert.Equal("llama grammar", body["query"]!.GetValue<string>());
        Assert.False(body["truncated"]!.GetValue<bool>());
        var results = body["results"]!.AsArray();
        Assert.Equal(3, results.Count); // the entry without a url is skipped
        Assert.Equal("about llama grammar", results[0]!["title"]!.GetValue<string>());
        Assert.Equal("https://example.org/a", results[0]!["url"]!.GetValue<string>());
        Assert.Equal("first snippet", results[0]!["snippet"]!.GetValue<string>());
        Assert.Equal("duckduckgo", results[0]!["engine"]!.GetValue<string>());
        Assert.Equal(2.5, results[0]!["score"]!.GetValue<double>());
        Assert.Null(results[1]!["score"]);

        var row = Assert.Single(await AuditAsync($"session={session}"))!;
        Assert.Equal("search", row["tool"]!.GetValue<string>());
        Assert.Equal("http", row["door"]!.GetValue<string>());
        Assert.Equal("allowed", row["decision"]!.GetValue<string>());
        Assert.Equal(_backend.Url, row["url"]!.GetValue<string>());
        Assert.Equal("127.0.0.1", row["resolved_address"]!.GetValue<string>());
        Assert.Equal("llama grammar".Length, row["bytes_out"]!.GetValue<long>());
        Assert.Equal(200, row["status"]!.GetValue<int>());
        Assert.DoesNotContain("llama", row.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Secrets_are_masked_in_the_query_sent_and_in_the_results()
    {
        var body = await Json(await SearchAsync(new JsonObject { ["query"] = "find sk-proj-abcdefghijklmnop1234 near internal-1234" }));

        Assert.Equal("find [REDACTED] near [REDACTED]", body["query"]!.GetValue<string>());
        Assert.Contains(_backend.Received, q => q.Contains("q=find%20%5BREDACTED%5D%20near%20%5BREDACTED%5D", StringComparison.Ordinal));
        Assert.DoesNotContain(_backend.Received, q => q.Contains("sk-proj", StringComparison.Ordinal) || q.Contains("internal-1234", StringComparison.Ordinal));
        Assert.Equal("token [REDACTED] and [REDACTED]", body["results"]![1]!["snippet"]!.GetValue<string>());
        Assert.Equal(2, body["redactions_out"]!.GetValue<int>());
        Assert.Equal(2, body["redactions_in"]!.GetValue<int>());
    }

    [Fact]
    public async Task Limit_categories_language_time_range_and_page_reach_the_backend_in_its_own_terms()
    {
        var body = await Json(await SearchAsync(new JsonObject
        {
            ["query"] = "many", ["limit"] = 2, ["categories"] = new JsonArray("it", "news"), ["language"] = "en-US", ["time_range"] = "week", ["page"] = 2,
        }));

        Assert.Equal(2, body["results"]!.AsArray().Count);
        Assert.True(body["truncated"]!.GetValue<bool>());
        var sent = _backend.Received.Last(q => q.Contains("q=many&", StringComparison.Ordinal) && q.Contains("pageno", StringComparison.Ordinal));
        Assert.Equal("?q=many&format=json&pageno=2&categories=it%2Cnews&language=en-US&time_range=week", sent);
    }

    [Fact]
    public async Task Without_a_limit_the_default_of_ten_results_applies()
    {
        var body = await Json(await SearchAsync(new JsonObject { ["query"] = "many" }));

        Assert.Equal(10, body["results"]!.AsArray().Count);
        Assert.True(body["truncated"]!.GetValue<bool>());
    }

    [Theory]
    [InlineData("127.0.0.2", "tool-deny-list")]
    [InlineData("127.0.0.3", "tool-address-class")]
    public async Task A_backend_redirect_to_a_refused_target_is_refused_at_that_hop_and_audited(string host, string rule)
    {
        var session = Guid.NewGuid().ToString();
        var query = $"redirect:http://{host}:{_backend.Port}/search?q=x&format=json";
        var answer = await SearchAsync(new JsonObject { ["query"] = query, ["session_id"] = session });

        Assert.Equal(HttpStatusCode.Forbidden, answer.StatusCode);
        var error = await Json(answer);
        Assert.Equal("TOOL_POLICY_DENIED", error["code"]!.GetValue<string>());
        Assert.Equal(rule, error["policy_label"]!.GetValue<string>());
        var row = Assert.Single(await AuditAsync($"session={session}"))!;
        Assert.Equal("refused", row["decision"]!.GetValue<string>());
        Assert.Equal(rule, row["rule"]!.GetValue<string>());
        Assert.Equal($"http://{host}:{_backend.Port}/search", row["url"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(row["reason"]!.GetValue<string>()));
        Assert.Equal(query.Length, row["bytes_out"]!.GetValue<long>()); // the first hop carried it to the backend
    }

    [Theory]
    [InlineData("garbage", "not JSON")]
    [InlineData("broken", "results array")]
    [InlineData("fail", "HTTP 500")]
    [InlineData("big", "Orchestrator:Tools:Search:MaxResponseBytes")]
    public async Task A_backend_answer_that_is_not_searxng_json_is_a_502_and_audited_as_failed(string query, string why)
    {
        var session = Guid.NewGuid().ToString();
        var answer = await SearchAsync(new JsonObject { ["query"] = query, ["session_id"] = session });

        Assert.Equal(HttpStatusCode.BadGateway, answer.StatusCode);
        var error = await Json(answer);
        Assert.Equal("TOOL_BACKEND_INVALID", error["code"]!.GetValue<string>());
        Assert.Contains(why, error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        var row = Assert.Single(await AuditAsync($"session={session}"))!;
        Assert.Equal("failed", row["decision"]!.GetValue<string>());
        Assert.Contains(why, row["reason"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_backend_that_does_not_answer_in_time_is_a_502_tool_fetch_failed()
    {
        var session = Guid.NewGuid().ToString();
        var answer = await SearchAsync(new JsonObject { ["query"] = "slow", ["session_id"] = session });

        Assert.Equal(HttpStatusCode.BadGateway, answer.StatusCode);
        var error = await Json(answer);
        Assert.Equal("TOOL_FETCH_FAILED", error["code"]!.GetValue<string>());
        Assert.Contains("Orchestrator:Tools:Search:TimeoutMs", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("failed", Assert.Single(await AuditAsync($"session={session}"))!["decision"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("{}", "query")]
    [InlineData("{\"query\":\"  \"}", "query")]
    [InlineData("{\"query\":\"x\",\"limit\":51}", "limit")]
    [InlineData("{\"query\":\"x\",\"limit\":0}", "limit")]
    [InlineData("{\"query\":\"x\",\"page\":0}", "page")]
    [InlineData("{\"query\":\"x\",\"categories\":[\"a&b\"]}", "categories")]
    [InlineData("{\"query\":\"x\",\"language\":\"en;rm\"}", "language")]
    [InlineData("{\"query\":\"x\",\"time_range\":\"decade\"}", "time_range")]
    [InlineData("{\"query\":1}", "query")]
    [InlineData("not json", "body")]
    public async Task Bad_bodies_are_400_and_audited_as_invalid_with_the_reason(string json, string field)
    {
        var correlation = Guid.NewGuid().ToString();
        var answer = await _orchestrator.PostRawAsync("/v1/tools/search", json, correlation);

        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.Equal("INVALID_PARAMS", (await Json(answer))["code"]!.GetValue<string>());
        var row = (await AuditAsync("decision=invalid&tool=search&limit=500")).Single(r => r!["correlation_id"]!.GetValue<string>() == correlation)!;
        Assert.Equal("invalid-request", row["rule"]!.GetValue<string>());
        Assert.StartsWith(field, row["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Null(row["resolved_address"]);
    }

    private Task<HttpResponseMessage> SearchAsync(JsonObject body) => _orchestrator.Http.PostAsJsonAsync("/v1/tools/search", body);

    private async Task<JsonArray> AuditAsync(string query) =>
        (await Json(await _orchestrator.Http.GetAsync($"/v1/tools/audit?{query}")))["entries"]!.AsArray();

    private static async Task<JsonObject> Json(HttpResponseMessage answer) =>
        JsonNode.Parse(await answer.Content.ReadAsStringAsync())!.AsObject();
}

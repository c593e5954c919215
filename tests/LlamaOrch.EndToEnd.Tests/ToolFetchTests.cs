using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace LlamaOrch.EndToEnd.Tests;

/// <summary>
/// <c>POST /v1/tools/http/fetch</c> and its audit against a local target on 127.0.0.1, allow-listed by address
/// and port (loopback is refused by default), and <c>localhost</c> by name on the same port.
/// </summary>
public sealed class ToolFetchTests : IAsyncLifetime
{
    private LocalTarget _target = null!;
    private Orchestrator _orchestrator = null!;

    public async Task InitializeAsync()
    {
        _target = await LocalTarget.StartAsync();
        _orchestrator = await Orchestrator.StartAsync([
            .. Orchestrator.Pool(FastPoolFixture.Model),
            $"Tools:Http:AllowHosts:0=127.0.0.1:{_target.Port}",
            "Tools:Http:AllowHosts:1=*.test",
            $"Tools:Http:AllowHosts:2=localhost:{_target.Port}",
            // localhost is allowed by name on this port, and its address denied there: the deny entry wins.
            $"Tools:Http:AllowHosts:3=localhost:{_target.Port + 2}",
            "Tools:Http:DenyHosts:0=127.0.0.2",
            $"Tools:Http:DenyHosts:1=127.0.0.1:{_target.Port + 2}",
            "Tools:Http:MaxResponseBytes=1000",
            "Tools:Http:TimeoutMs=1000",
            "Tools:Http:MaxRedirects=2",
            "Tools:Http:RedactPatterns:0=internal-[0-9]{4}",
        ]);
    }

    public async Task DisposeAsync()
    {
        await _orchestrator.DisposeAsync();
        await _target.DisposeAsync();
    }

    [Fact]
    public async Task An_allowed_target_answers_with_its_status_headers_body_and_the_address_connected_to()
    {
        var session = Guid.NewGuid().ToString();
        var answer = await FetchAsync(new JsonObject
        {
            ["method"] = "GET", ["url"] = _target.Url("/hello?api_key=s3cret&q=1"), ["session_id"] = session,
            ["headers"] = new JsonObject { ["Authorization"] = "Basic dXNlcjpwYXNz" },
        });

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var body = await Json(answer);
        Assert.Equal(200, body["status"]!.GetValue<int>());
        Assert.Equal("hello from the target", body["body"]!.GetValue<string>());
        Assert.Equal("Basic dXNlcjpwYXNz", body["headers"]!["X-Seen-Auth"]!.GetValue<string>());
        Assert.Equal("127.0.0.1", body["resolved_address"]!.GetValue<string>());
        Assert.False(body["truncated"]!.GetValue<bool>());

        var row = Assert.Single(await AuditAsync($"session={session}"))!;
        Assert.Equal("allowed", row["decision"]!.GetValue<string>());
        Assert.Equal("127.0.0.1", row["resolved_address"]!.GetValue<string>());
        Assert.Equal(21, row["bytes_in"]!.GetValue<long>());
        Assert.Equal(_target.Url("/hello?api_key=REDACTED&q=1"), row["url"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(row["correlation_id"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_post_body_and_its_content_type_reach_the_target_and_are_counted_out()
    {
        var session = Guid.NewGuid().ToString();
        var answer = await FetchAsync(new JsonObject
        {
            ["method"] = "POST", ["url"] = _target.Url("/echo"), ["body"] = "{\"a\":1}", ["session_id"] = session,
            ["headers"] = new JsonObject { ["Content-Type"] = "application/json" },
        });

        Assert.Equal("application/json|{\"a\":1}", (await Json(answer))["body"]!.GetValue<string>());
        Assert.Equal(7, Assert.Single(await AuditAsync($"session={session}"))!["bytes_out"]!.GetValue<long>());
    }

    [Fact]
    public async Task Secrets_are_masked_in_what_goes_out_and_in_what_comes_back()
    {
        var sent = await Json(await FetchAsync(new JsonObject
        {
            ["method"] = "POST", ["url"] = _target.Url("/echo"), ["body"] = "key=sk-proj-abcdefghijklmnop1234 ref=internal-1234",
            ["headers"] = new JsonObject { ["Content-Type"] = "text/plain" },
        }));
        Assert.Equal("text/plain|key=[REDACTED] ref=[REDACTED]", sent["body"]!.GetValue<string>());
        Assert.Equal(2, sent["redactions_out"]!.GetValue<int>());

        var leaked = await Json(await FetchAsync(Get(_target.Url("/leak"), null)));
        Assert.Equal("deploy key [REDACTED] and [REDACTED]", leaked["body"]!.GetValue<string>());
        Assert.Equal("[REDACTED]", leaked["headers"]!["X-Api-Key"]!.GetValue<string>());
        Assert.Equal(3, leaked["redactions_in"]!.GetValue<int>());
    }

    [Fact]
    public async Task Headers_that_differ_only_in_case_pass_and_a_host_or_length_that_agrees_is_accepted()
    {
        var twice = await FetchAsync(new JsonObject
        {
            ["method"] = "GET", ["url"] = _target.Url("/hello"),
            ["headers"] = new JsonObject { ["X-A"] = "Bearer one", ["x-a"] = "two" },
        });
        Assert.Equal(HttpStatusCode.OK, twice.StatusCode);

        // The length of the body as given, though redaction makes the sent body longer: the length sent is the body's own.
        var agreeing = await FetchAsync(new JsonObject
        {
            ["method"] = "POST", ["url"] = _target.Url("/echo"), ["body"] = "sk-proj-abcdefghijklmnop1234",
            ["headers"] = new JsonObject { ["Host"] = $"127.0.0.1:{_target.Port}", ["Content-Length"] = "28", ["Content-Type"] = "text/plain" },
        });
        Assert.Equal("text/plain|[REDACTED]", (await Json(agreeing))["body"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("""{"a": null}""")]
    [InlineData("""{"X-B": "caf\u00e9"}""")]
    [InlineData("""{"Content-Length": "10"}""")]
    [InlineData("""{"Host": "127.0.0.2"}""")] // another server behind the checked address
    public async Task A_header_the_target_should_not_get_is_400_and_audited_as_invalid(string headers)
    {
        var session = Guid.NewGuid().ToString();
        var answer = await FetchAsync(new JsonObject
        {
            ["method"] = "POST", ["url"] = _target.Url("/echo"), ["body"] = "abc", ["session_id"] = session, ["headers"] = JsonNode.Parse(headers),
        });

        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        var error = await Json(answer);
        Assert.Equal("INVALID_PARAMS", error["code"]!.GetValue<string>());
        Assert.StartsWith("headers.", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("invalid", Assert.Single(await AuditAsync($"session={session}"))!["decision"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_host_name_longer_than_dns_carries_is_400_and_audited_as_invalid()
    {
        // Valid labels, through the *.test allow entry on port 80: only the name's length is wrong.
        var session = Guid.NewGuid().ToString();
        var host = string.Join('.', Enumerable.Repeat(new string('a', 60), 5)) + ".test";

        var answer = await FetchAsync(Get($"http://{host}/", session));

        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.StartsWith("url:", (await Json(answer))["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("invalid", Assert.Single(await AuditAsync($"session={session}"))!["decision"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_audit_keeps_the_url_without_secrets_in_its_path_or_query_and_without_its_fragment()
    {
        var session = Guid.NewGuid().ToString();
        await FetchAsync(Get(_target.Url("/p/sk-ant-abcdefghijklmnopqrstuvwx/internal-4242?q=ghp_0123456789abcdefghijklmnopqrstuvwxyz&api_key=zzz#access_token=frag-secret"), session));

        var row = Assert.Single(await AuditAsync($"session={session}"))!;
        Assert.Equal(_target.Url("/p/[REDACTED]/[REDACTED]?q=[REDACTED]&api_key=REDACTED"), row["url"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_denied_address_is_refused_when_a_name_resolves_to_it()
    {
        var session = Guid.NewGuid().ToString();
        var answer = await FetchAsync(Get($"http://localhost:{_target.Port + 2}/hello", session));

        await AssertRefusedAsync(answer, "tool-deny-list");
        Assert.Equal("tool-deny-list", Assert.Single(await AuditAsync($"session={session}"))!["rule"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_denied_host_is_refused_with_403_naming_the_rule_and_audited()
    {
        var session = Guid.NewGuid().ToString();
        var answer = await FetchAsync(Get($"http://127.0.0.2:{_target.Port}/hello", session));

        await AssertRefusedAsync(answer, "tool-deny-list");
        var row = Assert.Single(await AuditAsync($"session={session}&decision=refused"))!;
        Assert.Equal("tool-deny-list", row["rule"]!.GetValue<string>());
        Assert.Equal(0, row["bytes_in"]!.GetValue<long>());
    }

    [Theory]
    [InlineData("http://127.0.0.1", 1, "tool-allow-list")] // only the target's own port is allow-listed
    [InlineData("http://localhost", 1, "tool-allow-list")]
    [InlineData("http://loop.test", 0, "tool-port")] // *.test is allowed, on the default ports only
    [InlineData("ftp://127.0.0.1", 0, "tool-scheme")]
    public async Task Targets_outside_the_policy_are_refused_before_any_connection(string origin, int portOffset, string rule)
    {
        var session = Guid.NewGuid().ToString();

        await AssertRefusedAsync(await FetchAsync(Get($"{origin}:{_target.Port + portOffset}/hello", session)), rule);
        Assert.Equal(rule, Assert.Single(await AuditAsync($"session={session}"))!["rule"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_host_allowed_by_name_reaches_its_loopback_address()
    {
        var body = await Json(await FetchAsync(Get($"http://localhost:{_target.Port}/hello", null)));

        Assert.Equal("hello from the target", body["body"]!.GetValue<string>());
        Assert.True(System.Net.IPAddress.IsLoopback(System.Net.IPAddress.Parse(body["resolved_address"]!.GetValue<string>())));
    }

    [Fact]
    public async Task A_redirect_to_a_denied_target_is_refused_at_that_hop()
    {
        var session = Guid.NewGuid().ToString();
        var to = Uri.EscapeDataString($"http://127.0.0.2:{_target.Port}/hello");
        var answer = await FetchAsync(Get(_target.Url($"/redirect?to={to}"), session));

        await AssertRefusedAsync(answer, "tool-deny-list");
        var row = Assert.Single(await AuditAsync($"session={session}"))!;
        Assert.Equal($"http://127.0.0.2:{_target.Port}/hello", row["url"]!.GetValue<string>());
        Assert.Null(row["resolved_address"]); // refused by name, before it was resolved
    }

    [Theory]
    [InlineData("127.0.0.1", "Basic dXNlcjpwYXNz")] // same origin: kept
    [InlineData("localhost", "")] // another origin: dropped
    public async Task An_allowed_redirect_is_followed_and_credentials_go_to_the_same_origin_only(string host, string seen)
    {
        var to = Uri.EscapeDataString($"http://{host}:{_target.Port}/hello");
        var answer = await FetchAsync(new JsonObject
        {
            ["method"] = "GET", ["url"] = _target.Url($"/redirect?to={to}"),
            ["headers"] = new JsonObject { ["Authorization"] = "Basic dXNlcjpwYXNz" },
        });

        var body = await Json(answer);
        Assert.Equal(1, body["redirects"]!.GetValue<int>());
        Assert.Equal(seen, body["headers"]!["X-Seen-Auth"]!.GetValue<string>());
    }

    [Fact]
    public async Task Too_many_redirects_are_refused()
    {
        var url = _target.Url("/hello");
        for (var i = 0; i < 3; i++) url = _target.Url($"/redirect?to={Uri.EscapeDataString(url)}");

        await AssertRefusedAsync(await FetchAsync(Get(url, null)), "tool-redirects");
    }

    [Fact]
    public async Task An_oversize_answer_is_truncated_at_the_limit_and_flagged()
    {
        var body = await Json(await FetchAsync(Get(_target.Url("/big"), null)));

        Assert.True(body["truncated"]!.GetValue<bool>());
        Assert.Equal(1000, body["bytes"]!.GetValue<long>());
        Assert.Equal(1000, body["body"]!.GetValue<string>().Length);
    }

    [Fact]
    public async Task A_text_answer_cut_inside_a_character_ends_at_the_last_whole_one_and_is_masked()
    {
        var body = await Json(await FetchAsync(Get(_target.Url("/multibyte"), null)));

        Assert.True(body["truncated"]!.GetValue<bool>());
        Assert.Null(body["body_base64"]);
        Assert.Equal("key: [REDACTED] " + new string('\u00e9', 481), body["body"]!.GetValue<string>());
        Assert.Equal(1, body["redactions_in"]!.GetValue<int>());
        Assert.Equal(999, body["bytes"]!.GetValue<long>()); // the lead byte of the cut character is left out
    }

    [Fact]
    public async Task A_binary_answer_comes_back_as_base64()
    {
        var body = await Json(await FetchAsync(Get(_target.Url("/binary"), null)));

        Assert.Null(body["body"]);
        Assert.Equal(Convert.ToBase64String([0xFF, 0xFE, 0x00, 0x80]), body["body_base64"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_target_that_does_not_answer_in_time_fails_with_502_and_is_audited_as_failed()
    {
        var session = Guid.NewGuid().ToString();
        var answer = await FetchAsync(Get(_target.Url("/slow"), session));

        Assert.Equal(HttpStatusCode.BadGateway, answer.StatusCode);
        Assert.Equal("TOOL_FETCH_FAILED", (await Json(answer))["code"]!.GetValue<string>());
        Assert.Equal("failed", Assert.Single(await AuditAsync($"session={session}"))!["decision"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"method\":\"GET\"}")]
    [InlineData("{\"method\":\"BREW\",\"url\":\"http://127.0.0.1/\"}")]
    [InlineData("{\"method\":\"GET\",\"url\":\"not a url\"}")]
    [InlineData("{\"method\":\"GET\",\"url\":\"/relative\"}")]
    [InlineData("{\"method\":\"GET\",\"url\":\"http://127.0.0.1/\",\"body\":\"x\"}")]
    [InlineData("{\"method\":\"GET\",\"url\":\"http://127.0.0.1/\",\"headers\":{\"Bad Name\":\"x\"}}")]
    [InlineData("{\"method\":\"GET\",\"url\":\"http://127.0.0.1/\",\"headers\":{\"X\":\"a\\r\\nInjected: 1\"}}")]
    [InlineData("{\"method\":\"GET\",\"url\":\"http://127.0.0.1/\",\"headers\":[1]}")]
    [InlineData("{\"method\":1}")]
    [InlineData("[]")]
    [InlineData("not json")]
    public async Task Bad_bodies_are_400_never_500(string json)
    {
        var answer = await _orchestrator.PostRawAsync("/v1/tools/http/fetch", json);

        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.Equal("INVALID_PARAMS", (await Json(answer))["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_refused_body_is_audited_as_invalid_with_its_reason()
    {
        var correlation = Guid.NewGuid().ToString();
        var answer = await _orchestrator.PostRawAsync("/v1/tools/http/fetch", "{\"method\":\"BREW\",\"url\":\"http://127.0.0.1/\"}", correlation);

        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        var row = (await AuditAsync("decision=invalid&tool=http.fetch&door=http&limit=500")).Single(r => r!["correlation_id"]!.GetValue<string>() == correlation)!;
        Assert.Equal("invalid-request", row["rule"]!.GetValue<string>());
        Assert.StartsWith("method:", row["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(0, row["bytes_in"]!.GetValue<long>());
    }

    [Fact]
    public async Task Search_without_a_configured_backend_is_503_saying_what_to_set()
    {
        var answer = await _orchestrator.Http.PostAsJsonAsync("/v1/tools/search", new JsonObject { ["query"] = "anything" });

        Assert.Equal(HttpStatusCode.ServiceUnavailable, answer.StatusCode);
        var error = await Json(answer);
        Assert.Equal("TOOL_UNAVAILABLE", error["code"]!.GetValue<string>());
        Assert.Contains("Orchestrator:Tools:Search:Url", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("decision=maybe")]
    [InlineData("door=smtp")]
    [InlineData("since=yesterday")]
    [InlineData("cursor=-1")]
    [InlineData("limit=0")]
    [InlineData("limit=501")]
    public async Task Bad_audit_filters_are_400(string query)
    {
        Assert.Equal(HttpStatusCode.BadRequest, (await _orchestrator.Http.GetAsync($"/v1/tools/audit?{query}")).StatusCode);
    }

    [Fact]
    public async Task The_audit_pages_newest_first_and_filters_by_time()
    {
        var session = Guid.NewGuid().ToString();
        var before = DateTimeOffset.UtcNow.AddMinutes(-1).ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        for (var i = 0; i < 3; i++) await FetchAsync(Get(_target.Url($"/hello?n={i}"), session));

        var first = await Json(await _orchestrator.Http.GetAsync($"/v1/tools/audit?session={session}&limit=2&since={Uri.EscapeDataString(before)}"));
        var entries = first["entries"]!.AsArray();
        Assert.Equal(2, entries.Count);
        Assert.EndsWith("n=2", entries[0]!["url"]!.GetValue<string>(), StringComparison.Ordinal);
        var cursor = first["next_cursor"]!.GetValue<long>();
        var second = await Json(await _orchestrator.Http.GetAsync($"/v1/tools/audit?session={session}&limit=2&cursor={cursor}"));
        Assert.EndsWith("n=0", Assert.Single(second["entries"]!.AsArray())!["url"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Null(second["next_cursor"]);
        var future = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddHours(1).ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        Assert.Empty(await AuditAsync($"session={session}&since={future}"));
    }

    private static JsonObject Get(string url, string? session) =>
        new() { ["method"] = "GET", ["url"] = url, ["session_id"] = session };

    private Task<HttpResponseMessage> FetchAsync(JsonObject body) => _orchestrator.Http.PostAsJsonAsync("/v1/tools/http/fetch", body);

    private async Task<JsonArray> AuditAsync(string query) =>
        (await Json(await _orchestrator.Http.GetAsync($"/v1/tools/audit?{query}")))["entries"]!.AsArray();

    private static async Task AssertRefusedAsync(HttpResponseMessage answer, string rule)
    {
        Assert.Equal(HttpStatusCode.Forbidden, answer.StatusCode);
        var error = await Json(answer);
        Assert.Equal("TOOL_POLICY_DENIED", error["code"]!.GetValue<string>());
        Assert.Equal(rule, error["policy_label"]!.GetValue<string>());
    }

    private static async Task<JsonObject> Json(HttpResponseMessage answer) =>
        JsonNode.Parse(await answer.Content.ReadAsStringAsync())!.AsObject();
}

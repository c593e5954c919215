using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlamaOrch.EndToEnd.Tests;

/// <summary>The artifact registry over HTTP: ids, round trips, listing, lineage and every refusal.</summary>
public sealed class ArtifactTests : IAsyncLifetime
{
    private const string Session = "3f2b8c1e-5a4d-4e7b-9c0a-1d2e3f4a5b6c";
    private readonly LogCapture _logs = new();
    private Orchestrator _orchestrator = null!;

    public async Task InitializeAsync()
    {
        _orchestrator = await Orchestrator.StartAsync(false, [.. Orchestrator.Pool("sim:fast?tps=2000"), "Artifacts:MaxBytes=2000", "Limits:MaxBodyBytes=4000"]);
        _orchestrator.Services.GetRequiredService<ILoggerFactory>().AddProvider(_logs);
    }

    public async Task DisposeAsync() => await _orchestrator.DisposeAsync();

    private async Task<(HttpStatusCode Status, JsonObject Body)> PostAsync(string json)
    {
        using var response = await _orchestrator.PostRawAsync("/v1/artifacts", json);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject());
    }

    private async Task<string> StoreAsync(string kind, string content, string tags = "[]", string? parent = null, string? session = null)
    {
        var json = $"{{\"kind\":\"{kind}\",\"content\":{content},\"tags\":{tags}"
                   + (parent is null ? "" : $",\"parent\":\"{parent}\"") + (session is null ? "" : $",\"session_id\":\"{session}\"") + "}";
        var (status, body) = await PostAsync(json);
        Assert.True(status is HttpStatusCode.Created or HttpStatusCode.OK, $"{status}: {body}");
        return body["id"]!.GetValue<string>();
    }

    private async Task<(HttpStatusCode Status, JsonObject Body)> GetAsync(string path)
    {
        using var response = await _orchestrator.Http.GetAsync(path);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject());
    }

    [Fact]
    public async Task An_artifact_round_trips_and_the_same_content_in_another_spelling_is_stored_once()
    {
        var (status, created) = await PostAsync("{\"kind\":\"plan\",\"content\":{\"b\":[1,2],\"a\":\"x\"},\"tags\":[\"z\",\"y\",\"z\"],\"metadata\":{\"by\":\"agent\"}}");
        Assert.Equal(HttpStatusCode.Created, status);
        var id = created["id"]!.GetValue<string>();
        Assert.Matches("^sha256:[0-9a-f]{64}$", id);
        Assert.Equal(id, created["digest"]!.GetValue<string>());
        Assert.Equal("[\"y\",\"z\"]", created["tags"]!.ToJsonString());

        var (again, second) = await PostAsync("{\"tags\":[\"y\",\"z\"],\"metadata\":{\"by\":\"agent\"},\"content\":{ \"a\": \"x\", \"b\": [1.0, 2] },\"kind\":\"plan\"}");
        Assert.Equal(HttpStatusCode.OK, again);
        Assert.Equal(id, second["id"]!.GetValue<string>());
        Assert.Equal(created["created_ms"]!.GetValue<long>(), second["created_ms"]!.GetValue<long>());

        var (found, shown) = await GetAsync($"/v1/artifacts/{id}");
        Assert.Equal(HttpStatusCode.OK, found);
        Assert.Equal("{\"a\":\"x\",\"b\":[1,2]}", shown["content"]!.ToJsonString());
        Assert.Equal("{\"by\":\"agent\"}", shown["metadata"]!.ToJsonString());
        Assert.Equal("plan", shown["kind"]!.GetValue<string>());
    }

    [Fact]
    public async Task Each_unsigned_artifact_is_accepted_with_one_warning()
    {
        var content = $"{{\"unique\":\"{Guid.NewGuid()}\"}}";
        var id = await StoreAsync("trace", content);
        Assert.Equal(id, await StoreAsync("trace", content));

        var warnings = _logs.Entries.Where(e => e.Level == LogLevel.Warning && e.Message.Contains(id, StringComparison.Ordinal)).ToList();
        var warning = Assert.Single(warnings);
        Assert.Contains("unsigned", warning.Message);
    }

    [Fact]
    public async Task The_list_filters_by_kind_tag_and_session_and_pages_with_a_cursor()
    {
        var plans = new List<string>();
        for (var index = 0; index < 5; index++) plans.Add(await StoreAsync("plan", $"{{\"n\":{index}}}", "[\"even\"]".Replace("even", index % 2 == 0 ? "even" : "odd"), session: Session));
        var diff = await StoreAsync("diff", "{\"patch\":\"-a\\n+b\"}", "[\"even\"]");

        var (_, evens) = await GetAsync("/v1/artifacts?tag=even");
        Assert.Equal([plans[0], plans[2], plans[4], diff], evens["artifacts"]!.AsArray().Select(a => a!["id"]!.GetValue<string>()));
        var (_, diffs) = await GetAsync("/v1/artifacts?kind=diff");
        Assert.Equal([diff], diffs["artifacts"]!.AsArray().Select(a => a!["id"]!.GetValue<string>()));
        var (_, sessionEvens) = await GetAsync($"/v1/artifacts?session={Session.ToUpperInvariant()}&tag=even");
        Assert.Equal([plans[0], plans[2], plans[4]], sessionEvens["artifacts"]!.AsArray().Select(a => a!["id"]!.GetValue<string>()));

        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var (status, page) = await GetAsync($"/v1/artifacts?session={Session}&limit=2" + (cursor is null ? "" : $"&cursor={cursor}"));
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.True(page["artifacts"]!.AsArray().Count <= 2);
            seen.AddRange(page["artifacts"]!.AsArray().Select(a => a!["id"]!.GetValue<string>()));
            cursor = page["next_cursor"]?.GetValue<string>();
        } while (cursor is not null);
        Assert.Equal(plans, seen);
    }

    [Fact]
    public async Task The_lineage_walks_parents_to_the_root_and_a_missing_parent_is_refused()
    {
        var root = await StoreAsync("plan", "{\"step\":0}");
        var child = await StoreAsync("summary", "{\"step\":1}", parent: root);
        var grandchild = await StoreAsync("diff", "{\"step\":2}", parent: child);

        var (status, lineage) = await GetAsync($"/v1/artifacts/{grandchild}/lineage");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal([grandchild, child, root], lineage["chain"]!.AsArray().Select(a => a!["id"]!.GetValue<string>()));
        Assert.False(lineage["truncated"]!.GetValue<bool>());

        var (missing, error) = await PostAsync($"{{\"kind\":\"plan\",\"content\":{{}},\"parent\":\"sha256:{new string('0', 64)}\"}}");
        Assert.Equal(HttpStatusCode.BadRequest, missing);
        Assert.Equal("INVALID_PARAMS", error["code"]!.GetValue<string>());
        Assert.Contains("parent", error["message"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("[]")]
    [InlineData("null")]
    [InlineData("{\"kind\":\"poem\",\"content\":{}}")]
    [InlineData("{\"kind\":\"plan\"}")]
    [InlineData("{\"kind\":\"plan\",\"content\":[1]}")]
    [InlineData("{\"kind\":\"plan\",\"content\":{},\"metadata\":3}")]
    [InlineData("{\"kind\":\"plan\",\"content\":{},\"tags\":[null]}")]
    [InlineData("{\"kind\":\"plan\",\"content\":{},\"tags\":\"x\"}")]
    [InlineData("{\"kind\":\"plan\",\"content\":{},\"parent\":\"sha256:../../etc\"}")]
    [InlineData("{\"kind\":\"plan\",\"content\":{},\"session_id\":\"not-a-uuid\"}")]
    [InlineData("{\"kind\":\"plan\",\"content\":{\"a\":1,\"a\":2}}")]
    [InlineData("{\"kind\":\"plan\",\"content\":{\"n\":1e400}}")]
    [InlineData("{\"kind\":\"plan\",\"content\":{\"s\":\"\\ud800\"}}")]
    [InlineData("{\"kind\":\"plan\",\"content\":{}")]
    public async Task A_bad_body_is_a_400_envelope(string json)
    {
        var (status, error) = await PostAsync(json);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("INVALID_PARAMS", error["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_artifact_over_the_size_limit_is_a_413_envelope()
    {
        var (status, error) = await PostAsync($"{{\"kind\":\"logs\",\"content\":{{\"text\":\"{new string('x', 2500)}\"}}}}");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Contains("Orchestrator:Artifacts:MaxBytes", error["message"]!.GetValue<string>());

        var (bodyStatus, _) = await PostAsync($"{{\"kind\":\"logs\",\"content\":{{\"text\":\"{new string('x', 5000)}\"}}}}");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, bodyStatus);
    }

    [Theory]
    [InlineData("sha256:..%2F..%2Fetc%2Fpasswd", HttpStatusCode.BadRequest)]
    [InlineData("sha256:..", HttpStatusCode.BadRequest)]
    [InlineData("..%2F..%2Fetc%2Fpasswd", HttpStatusCode.BadRequest)]
    [InlineData("sha256:ZZZZ", HttpStatusCode.BadRequest)]
    [InlineData("sha256:0000000000000000000000000000000000000000000000000000000000000000", HttpStatusCode.NotFound)]
    public async Task An_id_that_is_not_a_stored_artifact_is_400_or_404_and_reads_no_file(string id, HttpStatusCode expected)
    {
        foreach (var path in new[] { $"/v1/artifacts/{id}", $"/v1/artifacts/{id}/lineage" })
        {
            var (status, error) = await GetAsync(path);
            Assert.Equal(expected, status);
            Assert.Equal(expected == HttpStatusCode.NotFound ? "NOT_FOUND" : "INVALID_PARAMS", error["code"]!.GetValue<string>());
        }
    }

    [Theory]
    [InlineData("limit=0")]
    [InlineData("limit=1001")]
    [InlineData("cursor=abc")]
    [InlineData("kind=poem")]
    [InlineData("session=nope")]
    public async Task A_bad_query_is_a_400_envelope(string query)
    {
        var (status, error) = await GetAsync("/v1/artifacts?" + query);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("INVALID_PARAMS", error["code"]!.GetValue<string>());
    }
}

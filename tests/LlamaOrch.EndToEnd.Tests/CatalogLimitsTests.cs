using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace LlamaOrch.EndToEnd.Tests;

/// <summary>What the catalog stores is bounded field by field, is listed page by page, and every id it accepts can be reached.</summary>
public sealed class CatalogLimitsTests(CatalogLimitsTests.Fixture fixture) : IClassFixture<CatalogLimitsTests.Fixture>
{
    private Orchestrator Orchestrator => fixture.Orchestrator;

    public static TheoryData<string, string> OverLimit => new()
    {
        { """{"id": "tags", "tags": [TAGS]}""".Replace("TAGS", string.Join(",", Enumerable.Range(0, 65).Select(i => $"\"t{i}\""))), "tags" },
        { $$"""{"id": "tag", "tags": ["{{new string('t', 129)}}"]}""", "tags[0]" },
        { """{"id": "sigs", "signatures": [SIGS]}""".Replace("SIGS", string.Join(",", Enumerable.Repeat("""{"key_id": "k", "algorithm": "ecdsa-p256-sha256", "value": "AAEC"}""", 17))), "signatures" },
        { $$"""{"id": "sig", "signatures": [{"key_id": "k", "algorithm": "ecdsa-p256-sha256", "value": "{{new string('A', 2052)}}"}]}""", "signatures[0].value" },
        { $$$"""{"id": "sbom", "sbom": {"blob": "{{{new string('a', 300 * 1024)}}}"}}""", "sbom" },
        { $$"""{"id": "{{new string('i', 129)}}"}""", "id" },
        { $$"""{"id": "url", "source_url": "hf:org/repo/{{new string('u', 4096)}}.gguf"}""", "source_url" },
        { """{"id": "."}""", "id" },
        { """{"id": ".."}""", "id" },
        { """{"id": "org/model"}""", "id" },
        // A lone surrogate could be stored but never written out again: GET of it and of every list page would fail.
        { """{"id": "surrogate", "sbom": {"a": "\ud800"}}""", "sbom" },
        { """{"id": "surrogate-name", "sbom": {"\udc00": 1}}""", "sbom" },
    };

    [Theory]
    [MemberData(nameof(OverLimit))]
    public async Task A_field_over_its_limit_or_an_unreachable_id_is_400_naming_it_and_nothing_is_stored(string body, string field)
    {
        var before = await AllIdsAsync();

        using var response = await Orchestrator.PostRawAsync("/v1/catalog/models", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var envelope = await Orchestrator.ErrorOf(response);
        Assert.Equal("INVALID_PARAMS", envelope["code"]!.GetValue<string>());
        Assert.StartsWith(field + ": ", envelope["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(before, await AllIdsAsync());
    }

    [Fact]
    public async Task A_25_MB_sbom_is_413_and_not_stored()
    {
        var start = """{"id": "huge-sbom", "source_url": "hf:org/repo/m.gguf", "sbom": {"blob": " """;

        var response = await RawHttp.SendAsync(Orchestrator.Address,
            $"POST /v1/catalog/models HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {Orchestrator.Token}\r\n" +
            "Content-Type: application/json\r\nContent-Length: 25000000\r\nConnection: close\r\n\r\n", start);

        Assert.Equal(413, response.Status);
        Assert.Equal("INVALID_PARAMS", JsonNode.Parse(response.Body)!["code"]!.GetValue<string>());
        Assert.DoesNotContain("huge-sbom", await AllIdsAsync());
    }

    [Fact]
    public async Task The_id_dot_dot_is_refused_and_three_dots_are_an_id_that_can_be_reached()
    {
        using var created = await Orchestrator.PostRawAsync("/v1/catalog/models", """{"id": "...", "source_url": "hf:org/repo/dots.gguf"}""");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        var entry = JsonNode.Parse(await Orchestrator.Http.GetStringAsync("/v1/catalog/models/..."))!;

        Assert.Equal("...", entry["id"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(".", false)]
    [InlineData("..", false)]
    [InlineData("....", true)]
    [InlineData(".hidden", true)]
    [InlineData("org.model:q4_0", true)]
    [InlineData("org/model", false)]
    [InlineData("has space", false)]
    [InlineData("", false)]
    public async Task The_id_pattern_in_control_yaml_accepts_exactly_what_the_server_accepts(string id, bool accepted)
    {
        var schemas = (await OpenApiContracts.LoadAsync(OpenApiContracts.Control)).Components!.Schemas!;
        var pattern = schemas["CatalogModelRequest"].Properties!["id"].Pattern!;

        using var response = await Orchestrator.PostRawAsync("/v1/catalog/models",
            new JsonObject { ["id"] = id, ["source_url"] = "hf:org/repo/pattern.gguf" }.ToJsonString());

        Assert.Equal(accepted, Regex.IsMatch(id, pattern));
        Assert.Equal(accepted ? HttpStatusCode.Created : HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Matches(pattern, new string('a', 128));
        Assert.DoesNotMatch(pattern, new string('a', 129));
    }

    [Fact]
    public async Task The_catalog_is_listed_page_by_page_in_id_order()
    {
        foreach (var i in Enumerable.Range(0, 5))
        {
            using var created = await Orchestrator.PostRawAsync("/v1/catalog/models", $$"""{"id": "page-{{i}}", "source_url": "hf:org/repo/page-{{i}}.gguf"}""");
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        var ids = new List<string>();
        string? cursor = null;
        do
        {
            var page = JsonNode.Parse(await Orchestrator.Http.GetStringAsync(
                "/v1/catalog/models?limit=2" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor))))!;
            var models = page["models"]!.AsArray();
            Assert.InRange(models.Count, 1, 2);
            ids.AddRange(models.Select(m => m!["id"]!.GetValue<string>()));
            cursor = page["next_cursor"]?.GetValue<string>();
        }
        while (cursor is not null);

        Assert.Equal(await AllIdsAsync(), ids);
        Assert.Equal(ids.Order(StringComparer.Ordinal), ids);
        Assert.Subset(ids.ToHashSet(), Enumerable.Range(0, 5).Select(i => $"page-{i}").ToHashSet());
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=1001", "limit")]
    [InlineData("limit=ten", "limit")]
    [InlineData("cursor=", "cursor")]
    public async Task A_bad_paging_parameter_is_400_naming_it(string query, string field)
    {
        using var response = await Orchestrator.Http.GetAsync("/v1/catalog/models?" + query);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith(field + ": ", (await Orchestrator.ErrorOf(response))["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    /// <summary>Every id, by the default page (the catalog of these tests is smaller than one page).</summary>
    private async Task<List<string>> AllIdsAsync()
    {
        var list = JsonNode.Parse(await Orchestrator.Http.GetStringAsync("/v1/catalog/models"))!;
        Assert.Null(list["next_cursor"]?.GetValue<string>());
        return list["models"]!.AsArray().Select(m => m!["id"]!.GetValue<string>()).ToList();
    }

    /// <summary>A sim pool and the default body limit (1 MiB), so a field's own limit is what refuses it.</summary>
    public sealed class Fixture : IAsyncLifetime
    {
        internal Orchestrator Orchestrator { get; private set; } = null!;

        public async Task InitializeAsync() => Orchestrator = await Orchestrator.StartAsync(Orchestrator.Pool(FastPoolFixture.Model));

        public async Task DisposeAsync() => await Orchestrator.DisposeAsync();
    }
}

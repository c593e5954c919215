using System.Net;
using LlamaOrch.Server.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlamaOrch.EndToEnd.Tests;

/// <summary>
/// One rule for the body of every JSON endpoint, sent byte by byte over TCP: content type (415), declared and
/// streamed size (413), a body the HTTP server cannot read (400), malformed JSON (400); always the envelope,
/// and the client's mistakes logged below Warning without a stack trace.
/// </summary>
public sealed class RequestBodyTests(JsonEndpointsFixture fixture) : IClassFixture<JsonEndpointsFixture>
{
    private const string Unreadable = "body: cannot be read";

    public static TheoryData<string> JsonEndpoints => new()
    {
        "/v1/tasks",
        "/v1/catalog/models",
        $"/v1/catalog/models/{JsonEndpointsFixture.CatalogId}/state",
        "/v1/pools/p/drain",
        "/v1/pools/p/reload",
    };

    [Theory]
    [MemberData(nameof(JsonEndpoints))]
    public async Task A_chunk_size_that_overflows_is_400_in_the_envelope_and_logged_without_a_stack_trace(string path)
    {
        var response = await RawHttp.SendAsync(fixture.Orchestrator.Address, Head(path, "Transfer-Encoding: chunked"),
            "fffffffffffffffff\r\n{}\r\n0\r\n\r\n");

        AssertEnvelope(response, HttpStatusCode.BadRequest, Unreadable);
        Assert.Contains(fixture.Logs.Entries, e => e.Category == typeof(JsonBody).FullName && e.Level == LogLevel.Information && e.Message.Contains("Bad chunk size data", StringComparison.Ordinal));
        Assert.DoesNotContain(fixture.Logs.Entries, e => e.Exception is not null || e.Level >= LogLevel.Error);
    }

    [Theory]
    [MemberData(nameof(JsonEndpoints))]
    public async Task Broken_chunked_framing_is_400_in_the_envelope(string path)
    {
        var badHex = await RawHttp.SendAsync(fixture.Orchestrator.Address, Head(path, "Transfer-Encoding: chunked"), "zz\r\n{}\r\n0\r\n\r\n");
        var badSuffix = await RawHttp.SendAsync(fixture.Orchestrator.Address, Head(path, "Transfer-Encoding: chunked"), "2\r\n{}XX0\r\n\r\n");

        AssertEnvelope(badHex, HttpStatusCode.BadRequest, Unreadable);
        AssertEnvelope(badSuffix, HttpStatusCode.BadRequest, Unreadable);
        Assert.DoesNotContain(fixture.Logs.Entries, e => e.Exception is not null || e.Level >= LogLevel.Error);
    }

    [Fact]
    public async Task A_body_that_stops_arriving_gets_kestrels_408_in_the_envelope()
    {
        // One byte of the hundred declared; Kestrel gives up on the rest (MinRequestBodyDataRate) while the app reads.
        var response = await RawHttp.SendAsync(fixture.Orchestrator.Address, Head("/v1/catalog/models", "Content-Length: 100"), "{");

        AssertEnvelope(response, HttpStatusCode.RequestTimeout, Unreadable);
        Assert.DoesNotContain(fixture.Logs.Entries, e => e.Exception is not null || e.Level >= LogLevel.Error);
    }

    [Theory]
    [MemberData(nameof(JsonEndpoints))]
    public async Task A_declared_length_over_the_limit_is_413_before_any_of_the_body_is_sent(string path)
    {
        // Nothing of the 25 MB follows the headers: an answer at all means the server did not wait for it.
        var response = await RawHttp.SendAsync(fixture.Orchestrator.Address, Head(path, "Content-Length: 25000000"));

        AssertEnvelope(response, HttpStatusCode.RequestEntityTooLarge, "body: larger than the limit of 4000 bytes");
    }

    [Theory]
    [MemberData(nameof(JsonEndpoints))]
    public async Task A_chunked_body_is_413_as_soon_as_it_passes_the_limit(string path)
    {
        var data = "{\"id\": \"big\", \"sbom\": {\"blob\": \"" + new string('a', JsonEndpointsFixture.MaxBodyBytes);
        // One chunk, and nothing after it: the server reads every byte sent, then answers.
        var response = await RawHttp.SendAsync(fixture.Orchestrator.Address, Head(path, "Transfer-Encoding: chunked"), $"{data.Length:x}\r\n{data}");

        AssertEnvelope(response, HttpStatusCode.RequestEntityTooLarge, "body: larger than the limit of 4000 bytes");
    }

    [Theory]
    [MemberData(nameof(JsonEndpoints))]
    public async Task A_content_type_that_is_not_json_is_415_and_a_missing_one_is_read_as_json(string path)
    {
        var plain = await RawHttp.SendAsync(fixture.Orchestrator.Address, Head(path, "Content-Length: 2", contentType: "text/plain"), "{}");
        var utf16 = await RawHttp.SendAsync(fixture.Orchestrator.Address, Head(path, "Content-Length: 2", contentType: "application/json; charset=utf-16"), "{}");
        var missing = await RawHttp.SendAsync(fixture.Orchestrator.Address, Head(path, "Content-Length: 2", contentType: null), "{}");
        var suffixed = await RawHttp.SendAsync(fixture.Orchestrator.Address, Head(path, "Content-Length: 2", contentType: "application/vnd.llorch+json; charset=UTF-8"), "{}");
        var quoted = await RawHttp.SendAsync(fixture.Orchestrator.Address, Head(path, "Content-Length: 2", contentType: "application/json; charset=\"utf-8\""), "{}");

        AssertEnvelope(plain, HttpStatusCode.UnsupportedMediaType, "body: content type 'text/plain' is not JSON");
        AssertEnvelope(utf16, HttpStatusCode.UnsupportedMediaType, "body: charset 'utf-16' is not supported");
        // {} was read as JSON: a whole task of defaults on /v1/tasks, elsewhere a refusal that names a field, not the body.
        foreach (var read in new[] { missing, suffixed, quoted })
        {
            Assert.Equal(path == "/v1/tasks" ? HttpStatusCode.Accepted : HttpStatusCode.BadRequest, (HttpStatusCode)read.Status);
            Assert.DoesNotContain("body:", read.Body, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(JsonEndpoints))]
    public async Task Malformed_json_and_an_empty_body_are_400_naming_the_body(string path)
    {
        var malformed = await RawHttp.SendAsync(fixture.Orchestrator.Address, Head(path, "Content-Length: 10"), "{ not json");
        var empty = await RawHttp.SendAsync(fixture.Orchestrator.Address, Head(path, "Content-Length: 0"));

        AssertEnvelope(malformed, HttpStatusCode.BadRequest, "body: not a JSON object, or malformed JSON (line 1, byte 3); send ");
        AssertEnvelope(empty, HttpStatusCode.BadRequest, "body: empty; send ");
    }

    [Fact]
    public async Task Broken_framing_that_reaches_the_exception_handler_is_400_in_the_envelope_with_the_correlation_id()
    {
        // The MCP endpoint reads its body itself, so Kestrel's refusal surfaces as an exception; the handler clears the
        // headers before it answers, and the correlation id must come back all the same.
        var head = Head("/v1/mcp", "Transfer-Encoding: chunked").Replace("\r\n\r\n", "\r\nAccept: application/json, text/event-stream\r\n\r\n", StringComparison.Ordinal);
        var response = await RawHttp.SendAsync(fixture.Orchestrator.Address, head, "zz\r\n{}\r\n0\r\n\r\n");

        AssertEnvelope(response, HttpStatusCode.BadRequest, "bad request: ");
    }

    private static string Head(string path, string framing, string? contentType = "application/json") =>
        $"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {Orchestrator.Token}\r\nX-Correlation-Id: corr-body\r\n" +
        (contentType is null ? "" : $"Content-Type: {contentType}\r\n") +
        $"{framing}\r\nConnection: close\r\n\r\n";

    private static void AssertEnvelope(RawResponse response, HttpStatusCode status, string messageStart)
    {
        Assert.Equal(status, (HttpStatusCode)response.Status);
        Assert.Equal("corr-body", response.Header("X-Correlation-Id"));
        var envelope = System.Text.Json.Nodes.JsonNode.Parse(response.Body)!;
        Assert.Equal("INVALID_PARAMS", envelope["code"]!.GetValue<string>());
        Assert.StartsWith(messageStart, envelope["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("corr-body", envelope["correlation_id"]!.GetValue<string>());
        // The same bytes are refused again; only a body that stopped arriving is worth sending again.
        Assert.Equal(status == HttpStatusCode.RequestTimeout, envelope["retriable"]!.GetValue<bool>());
    }
}

/// <summary>A sim pool "p", a catalog entry, a 4000-byte body limit, and the HTTP layer's log captured at Information.</summary>
public sealed class JsonEndpointsFixture : IAsyncLifetime
{
    public const int MaxBodyBytes = 4000;
    public const string CatalogId = "parked";

    internal Orchestrator Orchestrator { get; private set; } = null!;

    internal LogCapture Logs { get; } = new();

    public async Task InitializeAsync()
    {
        Orchestrator = await Orchestrator.StartAsync([
            .. Orchestrator.Pool(FastPoolFixture.Model), $"Limits:MaxBodyBytes={MaxBodyBytes}",
            "--Logging:LogLevel:LlamaOrch.Server.Http=Information"]);
        Orchestrator.Services.GetRequiredService<ILoggerFactory>().AddProvider(Logs);
        using var registered = await Orchestrator.PostRawAsync("/v1/catalog/models", $$"""{"id": "{{CatalogId}}", "source_url": "hf:org/repo/parked.gguf"}""");
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
    }

    public async Task DisposeAsync() => await Orchestrator.DisposeAsync();
}

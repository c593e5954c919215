using System.Net;
using System.Text.Json.Nodes;

namespace LlamaOrch.EndToEnd.Tests;

/// <summary>
/// Requests the HTTP server itself would refuse: orchestratord answers those its own limits catch in the
/// envelope with the correlation id; what Kestrel refuses before any middleware runs is a bare status
/// (docs/api-behaviour.md lists both).
/// </summary>
public sealed class KestrelRefusalTests(FastPoolFixture fixture) : IClassFixture<FastPoolFixture>
{
    private const string Host = "Host: 127.0.0.1\r\n";
    private static readonly string LongHeader = "X-Filler: " + new string('a', 40 * 1024) + "\r\n";
    private static readonly string ManyHeaders = string.Concat(Enumerable.Range(0, 150).Select(i => $"X-Filler-{i}: a\r\n"));

    public static TheoryData<string, int> Enveloped => new()
    {
        { $"GET /v1/catalog/models?filler={new string('a', 9 * 1024)} HTTP/1.1\r\n{Host}", 414 },
        { $"GET /v1/catalog/models HTTP/1.1\r\n{Host}{LongHeader}", 431 },
        { $"GET /v1/catalog/models HTTP/1.1\r\n{Host}{ManyHeaders}", 431 },
    };

    public static TheoryData<string, int> Bare => new()
    {
        { $"GET /v1/catalog/models?filler={new string('a', 17 * 1024)} HTTP/1.1\r\n{Host}", 414 },
        { $"GET /v1/catalog/models HTTP/1.1\r\n{Host}X-Filler: {new string('a', 70 * 1024)}\r\n", 431 },
        { $"GET /v1/catalog/models HTTP/1.1\r\n{Host}{string.Concat(Enumerable.Range(0, 250).Select(i => $"X-Filler-{i}: a\r\n"))}", 431 },
        { $"GET /health HTTP/1.2\r\n{Host}", 505 },
        { $"GET  /health HTTP/1.1\r\n{Host}", 400 },
        { "GET /health HTTP/1.1\r\n", 400 },
        { $"GET /health HTTP/1.1\r\n{Host}Bad Header: a\r\n", 400 },
        { $"POST /v1/tasks HTTP/1.1\r\n{Host}Transfer-Encoding: gzip\r\n", 400 },
    };

    [Theory]
    [MemberData(nameof(Enveloped))]
    public async Task A_request_line_or_headers_over_the_apps_limits_get_the_envelope_and_the_correlation_id(string head, int status)
    {
        var response = await RawHttp.SendAsync(fixture.Orchestrator.Address, head + "X-Correlation-Id: corr-limit\r\nConnection: close\r\n\r\n");

        Assert.Equal(status, response.Status);
        Assert.Equal("corr-limit", response.Header("X-Correlation-Id"));
        var envelope = JsonNode.Parse(response.Body)!;
        Assert.Equal("INVALID_PARAMS", envelope["code"]!.GetValue<string>());
        Assert.Contains("more than the limit of", envelope["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("corr-limit", envelope["correlation_id"]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(Bare))]
    public async Task What_kestrel_refuses_before_any_middleware_is_a_bare_status(string head, int status)
    {
        var response = await RawHttp.SendAsync(fixture.Orchestrator.Address, head + "X-Correlation-Id: corr-bare\r\nConnection: close\r\n\r\n");

        Assert.Equal(status, response.Status);
        Assert.Null(response.Header("X-Correlation-Id"));
        Assert.Equal("", response.Body);
    }

    [Fact]
    public async Task A_request_just_under_the_apps_limits_is_served()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/catalog/models?filler={new string('a', 7 * 1024)}");
        request.Headers.Add("X-Filler", new string('a', 30 * 1024));

        using var response = await fixture.Orchestrator.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}

using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using LlamaOrch.Contracts.Errors;
using LlamaOrch.Contracts.Tools;
using LlamaOrch.Core.Admission;
using LlamaOrch.Core.Policy;

namespace LlamaOrch.Server.Tools;

/// <summary>
/// The tool calls every door makes (the HTTP endpoints, the MCP server): validation, the tool, and one audit row
/// per call, written before the answer so a client that goes away once the call is done is still audited. A client
/// that goes away during the call gets its row too (decision <c>failed</c>), and then the cancellation, as its door
/// expects. A call refused as invalid is audited too (decision <c>invalid</c>, the reason), before any policy check.
/// </summary>
internal sealed partial class ToolCalls(HttpFetchTool fetch, SearchTool search, ToolAuditLog audit, SecretRedactor redactor, TimeProvider time)
{
    public const string FetchTool = "http.fetch";
    public const string SearchToolName = "search";
    public const int MaxQueryLength = 2000;
    private static readonly string[] Methods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];
    private static readonly string[] TimeRanges = ["day", "week", "month", "year"];

    public async Task<ToolOutcome<HttpFetchResponse>> FetchAsync(HttpFetchRequest body, ToolCaller caller, CancellationToken cancellation)
    {
        var method = body.Method?.ToUpperInvariant();
        ToolOutcome<HttpFetchResponse> outcome;
        if (FetchProblem(body, out var url) is { } problem) outcome = ToolOutcome<HttpFetchResponse>.Invalid(problem);
        else outcome = await fetch.FetchAsync(new HttpMethod(method!), url!, body.Headers ?? [], body.Body, cancellation);
        var target = outcome.Call?.LastUrl ?? url;
        await AppendAsync(caller, FetchTool, Methods.Contains(method) ? method : null, target is null ? null : UrlRedaction.Redact(target, redactor),
            outcome, outcome.Response?.Status);
        cancellation.ThrowIfCancellationRequested();
        return outcome;
    }

    public async Task<ToolOutcome<SearchResponse>> SearchAsync(SearchRequest body, ToolCaller caller, CancellationToken cancellation)
    {
        var outcome = SearchProblem(body, out var valid) is { } problem
            ? ToolOutcome<SearchResponse>.Invalid(problem)
            : await search.SearchAsync(valid!, cancellation);
        await AppendAsync(caller, SearchToolName, "GET", outcome.Call is { } call ? UrlRedaction.Redact(SearchTool.AuditUrl(call.LastUrl), redactor) : null,
            outcome, outcome.Call?.Answer?.Status);
        cancellation.ThrowIfCancellationRequested();
        return outcome;
    }

    /// <summary>A call whose request could not even be read (malformed JSON, too large, wrong content type): audited as invalid.</summary>
    public Task AuditUnreadableAsync(string tool, ToolCaller caller, int status, string? reason) =>
        AppendAsync(caller, tool, null, null, ToolOutcome<HttpFetchResponse>.Invalid(new Rejection(ErrorCodes.InvalidParams, reason ?? $"the request was refused with {status}")), null);

    private async Task AppendAsync<T>(ToolCaller caller, string tool, string? method, string? url, ToolOutcome<T> outcome, int? status) where T : class
    {
        var reason = outcome.Refusal is { } refusal ? redactor.Redact(refusal.Message, out _) : null;
        await audit.AppendAsync(new ToolAuditEntry(0, time.GetUtcNow(), caller.CorrelationId, caller.SessionId, tool, method, url,
            outcome.Call?.Address, outcome.Decision, outcome.Rule, status, outcome.Call?.BytesOut ?? 0, outcome.Call?.BytesIn ?? 0, caller.Door, reason));
    }

    private static Rejection? FetchProblem(HttpFetchRequest body, out Uri? url)
    {
        url = null;
        if (string.IsNullOrEmpty(body.Method) || !Methods.Contains(body.Method.ToUpperInvariant()))
            return Rejection.InvalidParams("method", $"must be one of {string.Join(", ", Methods)}");
        if (string.IsNullOrEmpty(body.Url) || !Uri.TryCreate(body.Url, UriKind.Absolute, out url) || url.IsFile || string.IsNullOrEmpty(url.Host))
        {
            url = null;
            return Rejection.InvalidParams("url", "must be an absolute URL such as https://example.com/");
        }
        if (url.IdnHost.TrimEnd('.').Length > CheckedHttpClient.MaxHostLength)
            return Rejection.InvalidParams("url", $"the host name is longer than {CheckedHttpClient.MaxHostLength} characters, more than DNS carries");
        if (body.Body is not null && body.Method.ToUpperInvariant() is "GET" or "HEAD")
            return Rejection.InvalidParams("body", "a GET or HEAD request carries no body");
        foreach (var (name, value) in body.Headers ?? [])
        {
            // A header the HTTP stack would refuse, or one that could split the request, is the client's mistake.
            if (name.Length == 0 || name.Any(c => c <= ' ' || c >= 127 || c == ':'))
                return Rejection.InvalidParams($"headers.{name}", "is not a valid header name (visible ASCII, no colon)");
            if (value is null || value.Any(c => (c < ' ' && c != '\t') || c >= 127))
                return Rejection.InvalidParams($"headers.{name}", "must be a string of printable ASCII (no CR, LF or other control character, no non-ASCII character)");
            if (HeaderProblem(name, value, url, body.Body) is { } problem) return Rejection.InvalidParams($"headers.{name}", problem);
        }
        return null;
    }

    /// <summary>
    /// Host and Content-Length are made by the client from the URL and the body (<see cref="CheckedHttpClient"/>), so
    /// a caller's value that says otherwise is refused rather than dropped: a Host naming another server would
    /// otherwise reach past the policy's host check on a shared front end.
    /// </summary>
    private static string? HeaderProblem(string name, string value, Uri url, string? body)
    {
        if (name.Equals("Host", StringComparison.OrdinalIgnoreCase))
        {
            var host = value.Trim();
            string[] same = [url.Host, url.IdnHost, url.Authority, $"{url.Host}:{url.Port}", $"{url.IdnHost}:{url.Port}"];
            return same.Contains(host, StringComparer.OrdinalIgnoreCase) ? null : $"must name the URL's host ({url.Authority}) or be left out: the URL's host is sent";
        }
        if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
        {
            var length = body is null ? 0 : Encoding.UTF8.GetByteCount(body);
            return value.Trim() == length.ToString(CultureInfo.InvariantCulture)
                ? null : $"must be the body's length in UTF-8 bytes ({length}) or be left out: the body's length is sent";
        }
        return null;
    }

    private Rejection? SearchProblem(SearchRequest body, out ValidSearch? valid)
    {
        valid = null;
        var query = body.Query?.Trim();
        if (string.IsNullOrEmpty(query)) return Rejection.InvalidParams("query", "must be a non-empty string");
        if (query.Length > MaxQueryLength) return Rejection.InvalidParams("query", $"must be at most {MaxQueryLength} characters");
        if (body.Limit is < 1 or > SearchSettings.MaxLimit) return Rejection.InvalidParams("limit", $"must be 1 to {SearchSettings.MaxLimit}");
        if (body.Page is < 1 or > 100) return Rejection.InvalidParams("page", "must be 1 to 100");
        if (body.Categories is { } categories && categories.Any(c => c is null || !Category().IsMatch(c)))
            return Rejection.InvalidParams("categories", "must be names such as general, news, it (letters, digits, space, _ and -)");
        if (body.Language is { } language && !Language().IsMatch(language))
            return Rejection.InvalidParams("language", "must be a language tag such as en, en-US, all or auto");
        if (body.TimeRange is { } range && !TimeRanges.Contains(range))
            return Rejection.InvalidParams("time_range", $"must be one of {string.Join(", ", TimeRanges)}");
        valid = new ValidSearch(query, body.Limit ?? search.DefaultLimit, body.Categories ?? [], body.Language, body.TimeRange, body.Page);
        return null;
    }

    [GeneratedRegex("^[A-Za-z0-9_ -]{1,40}$", RegexOptions.CultureInvariant)]
    private static partial Regex Category();

    [GeneratedRegex("^(?:all|auto|[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})?)$", RegexOptions.CultureInvariant)]
    private static partial Regex Language();
}

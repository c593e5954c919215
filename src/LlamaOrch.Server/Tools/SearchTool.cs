using System.Globalization;
using System.Text;
using System.Text.Json;
using LlamaOrch.Contracts.Errors;
using LlamaOrch.Contracts.Tools;
using LlamaOrch.Core.Admission;
using LlamaOrch.Core.Policy;

namespace LlamaOrch.Server.Tools;

/// <summary>
/// Asks the configured SearXNG-compatible backend (<c>GET url?q=…&amp;format=json</c>) through
/// <see cref="CheckedHttpClient"/>, so the backend is one more target of the tool policy. The answer is read as
/// SearXNG's JSON (<c>{"results": [{"title", "url", "content", "engine", "score"}]}</c>) with a DOM reader:
/// anything else is the backend's fault (502), never a 500. Result URLs are data: nothing here fetches them.
/// </summary>
internal sealed class SearchTool(CheckedHttpClient http, SearchSettings settings, ToolPolicyOptions policy, SecretRedactor redactor)
{
    private static readonly Dictionary<string, string> Accept = new() { ["Accept"] = "application/json" };

    public int DefaultLimit => settings.DefaultLimit;

    /// <summary>The backend URL as the audit log keeps it, before <see cref="UrlRedaction"/>: no query (it holds the user's words).</summary>
    public static Uri AuditUrl(Uri url) => new(url.GetLeftPart(UriPartial.Path));

    public async Task<ToolOutcome<SearchResponse>> SearchAsync(ValidSearch search, CancellationToken cancellation)
    {
        if (settings.Url is null)
            return ToolOutcome<SearchResponse>.Refused(new Rejection(ErrorCodes.ToolUnavailable,
                $"no search backend is configured: set {SearchToolOptions.Section}:Url to a SearXNG-compatible JSON endpoint (docs/tools-and-policy.md)", Retriable: false), null);
        var redactedOut = 0;
        var query = policy.RedactOutgoing ? Redact(search.Query, ref redactedOut) : search.Query;
        var requested = BackendUrl(settings.Url, search, query);
        var call = await http.SendAsync(HttpMethod.Get, requested, Accept, null, cancellation,
            settings.MaxResponseBytes, settings.TimeoutMs, SearchToolOptions.Section);
        // The query is what goes out, counted as bytes out though it travels in the URL: once the first hop was sent
        // (an answer, a redirect followed, or a failure after connecting), not when the policy refused the backend itself.
        var sent = call.Answer is not null || call.LastUrl != requested || (call.Refusal?.PolicyLabel is null && call.Address is not null);
        call = call with { BytesOut = sent ? Encoding.UTF8.GetByteCount(query) : 0 };
        if (call.Answer is not { } answer) return ToolOutcome<SearchResponse>.Refused(call.Refusal!, call);
        if (BackendProblem(answer) is { } problem)
            return ToolOutcome<SearchResponse>.Refused(new Rejection(ErrorCodes.ToolBackendInvalid, problem, Retriable: answer.Status >= 500), call);
        var (results, truncated, parseProblem) = Parse(answer.Body, search.Limit);
        if (parseProblem is not null)
            return ToolOutcome<SearchResponse>.Refused(new Rejection(ErrorCodes.ToolBackendInvalid, parseProblem, Retriable: false), call);
        var redactedIn = 0;
        if (policy.RedactIncoming)
        {
            results = [.. results.Select(r => r with
            {
                Title = Redact(r.Title, ref redactedIn), Url = Redact(r.Url, ref redactedIn), Snippet = Redact(r.Snippet, ref redactedIn),
            })];
        }
        return ToolOutcome<SearchResponse>.Answered(new SearchResponse(query, results, truncated, redactedOut, redactedIn), call);
    }

    private static Uri BackendUrl(Uri backend, ValidSearch search, string query)
    {
        var parameters = new StringBuilder(backend.Query.TrimStart('?'));
        Add(parameters, "q", query);
        Add(parameters, "format", "json");
        if (search.Page is { } page) Add(parameters, "pageno", page.ToString(CultureInfo.InvariantCulture));
        if (search.Categories.Count > 0) Add(parameters, "categories", string.Join(',', search.Categories));
        if (search.Language is { } language) Add(parameters, "language", language);
        if (search.TimeRange is { } range) Add(parameters, "time_range", range);
        return new UriBuilder(backend) { Query = parameters.ToString() }.Uri;
    }

    private static void Add(StringBuilder parameters, string name, string value)
    {
        if (parameters.Length > 0) parameters.Append('&');
        parameters.Append(name).Append('=').Append(Uri.EscapeDataString(value));
    }

    private string? BackendProblem(CheckedAnswer answer)
    {
        if (answer.Truncated)
            return $"the search backend answered more than {settings.MaxResponseBytes} bytes ({SearchToolOptions.Section}:MaxResponseBytes)";
        if (answer.Status is < 200 or > 299)
            return $"the search backend answered HTTP {answer.Status}" + (answer.Status == 403
                ? " (SearXNG answers 403 when the json format is not enabled: add json to search.formats in its settings.yml)"
                : string.Empty);
        return null;
    }

    private static (IReadOnlyList<SearchResult> Results, bool Truncated, string? Problem) Parse(byte[] body, int limit)
    {
        const string Expected = "SearXNG's JSON, an object with a results array";
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            return ([], false, $"the search backend's answer is not JSON; expected {Expected}");
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("results", out var items) || items.ValueKind != JsonValueKind.Array)
                return ([], false, $"the search backend's answer is not {Expected}");
            var results = new List<SearchResult>();
            var truncated = false;
            foreach (var item in items.EnumerateArray())
            {
                // An entry without a URL is not a result an agent can use; it is skipped, not fatal.
                if (item.ValueKind != JsonValueKind.Object || Text(item, "url") is not { Length: > 0 } url) continue;
                if (results.Count == limit)
                {
                    truncated = true;
                    break;
                }
                double? score = item.TryGetProperty("score", out var s) && s.ValueKind == JsonValueKind.Number && s.TryGetDouble(out var value) && double.IsFinite(value) ? value : null;
                results.Add(new SearchResult(Text(item, "title") ?? string.Empty, url, Text(item, "content") ?? string.Empty, Text(item, "engine"), score));
            }
            return (results, truncated, null);
        }
    }

    private static string? Text(JsonElement item, string name) =>
        item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private string Redact(string text, ref int count)
    {
        var redacted = redactor.Redact(text, out var found);
        count += found;
        return redacted;
    }
}

/// <summary>A search request that passed validation, with its defaults filled in.</summary>
internal sealed record ValidSearch(string Query, int Limit, IReadOnlyList<string> Categories, string? Language, string? TimeRange, int? Page);

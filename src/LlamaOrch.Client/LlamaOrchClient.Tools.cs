using System.Globalization;
using LlamaOrch.Contracts;
using LlamaOrch.Contracts.Tools;

namespace LlamaOrch.Client;

public sealed partial class LlamaOrchClient
{
    /// <summary>
    /// <c>POST /v1/tools/http/fetch</c>: orchestratord fetches the URL for an agent, within its tool policy (403
    /// <c>TOOL_POLICY_DENIED</c> outside it). Not retried on a lost connection: the target may have seen the request.
    /// </summary>
    public Task<ApiResponse<HttpFetchResponse>> FetchHttpAsync(HttpFetchRequest request, CancellationToken cancellationToken = default) =>
        SendJsonAsync(HttpMethod.Post, "/v1/tools/http/fetch", request, ContractsJsonContext.Default.HttpFetchRequest,
            ContractsJsonContext.Default.HttpFetchResponse, idempotent: false, cancellationToken);

    /// <summary>
    /// <c>POST /v1/tools/search</c>: orchestratord asks its configured SearXNG-compatible backend, within the tool policy
    /// (503 <c>TOOL_UNAVAILABLE</c> when no backend is configured). A search changes nothing, so a lost connection is retried.
    /// </summary>
    public Task<ApiResponse<SearchResponse>> SearchAsync(SearchRequest request, CancellationToken cancellationToken = default) =>
        SendJsonAsync(HttpMethod.Post, "/v1/tools/search", request, ContractsJsonContext.Default.SearchRequest,
            ContractsJsonContext.Default.SearchResponse, idempotent: true, cancellationToken);

    /// <summary>
    /// <c>GET /v1/tools/audit</c>: tool calls, newest first, optionally by decision (<c>allowed</c>, <c>refused</c>,
    /// <c>failed</c>, <c>invalid</c>), tool (<c>http.fetch</c>, <c>search</c>), door (<c>http</c>, <c>mcp</c>), session or time.
    /// </summary>
    public Task<ApiResponse<ToolAuditResponse>> GetToolAuditAsync(
        string? decision = null, string? sessionId = null, DateTimeOffset? since = null, int? limit = null, long? cursor = null,
        string? tool = null, string? door = null, CancellationToken cancellationToken = default) =>
        GetJsonAsync(Query("/v1/tools/audit", ("decision", decision), ("session", sessionId), ("tool", tool), ("door", door),
                ("since", since?.UtcDateTime.ToString("O", CultureInfo.InvariantCulture)), ("limit", limit?.ToString(CultureInfo.InvariantCulture)),
                ("cursor", cursor?.ToString(CultureInfo.InvariantCulture))),
            ContractsJsonContext.Default.ToolAuditResponse, cancellationToken);
}

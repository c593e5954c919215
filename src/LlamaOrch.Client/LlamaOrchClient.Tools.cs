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

    /// <summary><c>GET /v1/tools/audit</c>: tool calls, newest first, optionally by decision (<c>allowed</c>, <c>refused</c>, <c>failed</c>), session or time.</summary>
    public Task<ApiResponse<ToolAuditResponse>> GetToolAuditAsync(
        string? decision = null, string? sessionId = null, DateTimeOffset? since = null, int? limit = null, long? cursor = null,
        CancellationToken cancellationToken = default) =>
        GetJsonAsync(Query("/v1/tools/audit", ("decision", decision), ("session", sessionId),
                ("since", since?.UtcDateTime.ToString("O", CultureInfo.InvariantCulture)), ("limit", limit?.ToString(CultureInfo.InvariantCulture)),
                ("cursor", cursor?.ToString(CultureInfo.InvariantCulture))),
            ContractsJsonContext.Default.ToolAuditResponse, cancellationToken);
}

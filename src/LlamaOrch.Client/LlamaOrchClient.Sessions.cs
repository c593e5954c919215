using LlamaOrch.Contracts;
using LlamaOrch.Contracts.Sessions;

namespace LlamaOrch.Client;

public sealed partial class LlamaOrchClient
{
    /// <summary><c>GET /v1/sessions/{id}</c>: the session's turns, token totals, KV placement and budget left.</summary>
    public Task<ApiResponse<SessionResponse>> GetSessionAsync(string sessionId, CancellationToken cancellationToken = default) =>
        GetJsonAsync($"/v1/sessions/{Escape(sessionId)}", ContractsJsonContext.Default.SessionResponse, cancellationToken);

    /// <summary><c>DELETE /v1/sessions/{id}</c>: end the session and erase its KV cache.</summary>
    public Task<ApiResponse> DeleteSessionAsync(string sessionId, CancellationToken cancellationToken = default) =>
        SendNoContentAsync(HttpMethod.Delete, $"/v1/sessions/{Escape(sessionId)}", idempotent: true, cancellationToken);

    /// <summary><c>PUT /v1/sessions/{id}/budget</c>: set the session's whole budget (a null limit is unlimited); answers the session.</summary>
    public Task<ApiResponse<SessionResponse>> SetSessionBudgetAsync(string sessionId, BudgetRequest budget, CancellationToken cancellationToken = default) =>
        SendJsonAsync(HttpMethod.Put, $"/v1/sessions/{Escape(sessionId)}/budget", budget, ContractsJsonContext.Default.BudgetRequest,
            ContractsJsonContext.Default.SessionResponse, idempotent: true, cancellationToken);
}

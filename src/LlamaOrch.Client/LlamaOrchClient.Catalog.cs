using LlamaOrch.Contracts;
using LlamaOrch.Contracts.Catalog;

namespace LlamaOrch.Client;

public sealed partial class LlamaOrchClient
{
    /// <summary><c>POST /v1/catalog/models</c>: register a model with its digest, signatures, SBOM and trust policy.</summary>
    public Task<ApiResponse<CatalogModelResponse>> RegisterModelAsync(CatalogModelRequest model, CancellationToken cancellationToken = default) =>
        SendJsonAsync(HttpMethod.Post, "/v1/catalog/models", model, ContractsJsonContext.Default.CatalogModelRequest,
            ContractsJsonContext.Default.CatalogModelResponse, idempotent: false, cancellationToken);

    /// <summary><c>GET /v1/catalog/models</c>: one page in id order; pass <see cref="CatalogListResponse.NextCursor"/> for the next.</summary>
    public Task<ApiResponse<CatalogListResponse>> ListModelsAsync(int? limit = null, string? cursor = null, CancellationToken cancellationToken = default) =>
        GetJsonAsync(Query("/v1/catalog/models", ("limit", limit?.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("cursor", cursor)),
            ContractsJsonContext.Default.CatalogListResponse, cancellationToken);

    /// <summary><c>GET /v1/catalog/models/{id}</c>.</summary>
    public Task<ApiResponse<CatalogModelResponse>> GetModelAsync(string id, CancellationToken cancellationToken = default) =>
        GetJsonAsync($"/v1/catalog/models/{Escape(id)}", ContractsJsonContext.Default.CatalogModelResponse, cancellationToken);

    /// <summary><c>DELETE /v1/catalog/models/{id}</c> (409 while a pool serves it).</summary>
    public Task<ApiResponse> DeleteModelAsync(string id, CancellationToken cancellationToken = default) =>
        SendNoContentAsync(HttpMethod.Delete, $"/v1/catalog/models/{Escape(id)}", idempotent: true, cancellationToken);

    /// <summary><c>POST /v1/catalog/models/{id}/verify</c>: start verification (202); poll <see cref="GetModelAsync"/> for the verdict.</summary>
    public Task<ApiResponse<VerifyResponse>> VerifyModelAsync(string id, CancellationToken cancellationToken = default) =>
        CallAsync(HttpMethod.Post, $"/v1/catalog/models/{Escape(id)}/verify", null, idempotent: true,
            (r, ct) => ReadJsonAsync(r, ContractsJsonContext.Default.VerifyResponse, ct), cancellationToken);

    /// <summary><c>POST /v1/catalog/models/{id}/state</c>: <c>Active</c> or <c>Retired</c> (retiring drains the pools serving it within <paramref name="deadlineMs"/>).</summary>
    public Task<ApiResponse<StateResponse>> SetModelStateAsync(string id, string state, long? deadlineMs = null, CancellationToken cancellationToken = default) =>
        SendJsonAsync(HttpMethod.Post, $"/v1/catalog/models/{Escape(id)}/state", new StateRequest { State = state, DeadlineMs = deadlineMs },
            ContractsJsonContext.Default.StateRequest, ContractsJsonContext.Default.StateResponse, idempotent: true, cancellationToken);
}

using System.Globalization;
using LlamaOrch.Contracts;
using LlamaOrch.Contracts.Artifacts;
using LlamaOrch.Contracts.Tasks;

namespace LlamaOrch.Client;

public sealed partial class LlamaOrchClient
{
    /// <summary><c>POST /v1/artifacts</c>: store an artifact; its id is the digest of its content, so storing it again is harmless.</summary>
    public Task<ApiResponse<ArtifactSummary>> PutArtifactAsync(ArtifactRequest artifact, CancellationToken cancellationToken = default) =>
        SendJsonAsync(HttpMethod.Post, "/v1/artifacts", artifact, ContractsJsonContext.Default.ArtifactRequest,
            ContractsJsonContext.Default.ArtifactSummary, idempotent: true, cancellationToken);

    /// <summary><c>GET /v1/artifacts/{id}</c>: the artifact with its content and metadata.</summary>
    public Task<ApiResponse<ArtifactResponse>> GetArtifactAsync(string id, CancellationToken cancellationToken = default) =>
        GetJsonAsync($"/v1/artifacts/{Escape(id)}", ContractsJsonContext.Default.ArtifactResponse, cancellationToken);

    /// <summary><c>GET /v1/artifacts</c>: one page, oldest first, optionally of one kind, tag or session.</summary>
    public Task<ApiResponse<ArtifactListResponse>> ListArtifactsAsync(
        string? kind = null, string? tag = null, string? sessionId = null, int? limit = null, string? cursor = null, CancellationToken cancellationToken = default) =>
        GetJsonAsync(Query("/v1/artifacts", ("kind", kind), ("tag", tag), ("session", sessionId),
            ("limit", limit?.ToString(CultureInfo.InvariantCulture)), ("cursor", cursor)), ContractsJsonContext.Default.ArtifactListResponse, cancellationToken);

    /// <summary>
    /// <c>POST /v1/artifacts/{id}/replay</c>: a new task from a <c>transcript</c> artifact (same prompt, parameters, seed,
    /// determinism), answered like a submission; stream it with <see cref="StreamTask"/>. Not retried on a lost connection:
    /// each replay is a new task.
    /// </summary>
    public Task<ApiResponse<AdmissionResponse>> ReplayArtifactAsync(string id, ReplayRequest? request = null, CancellationToken cancellationToken = default) =>
        SendJsonAsync(HttpMethod.Post, $"/v1/artifacts/{Escape(id)}/replay", request ?? new ReplayRequest(), ContractsJsonContext.Default.ReplayRequest,
            ContractsJsonContext.Default.AdmissionResponse, idempotent: false, cancellationToken);

    /// <summary><c>GET /v1/artifacts/{id}/lineage</c>: the artifact, its parent, and so on to the root.</summary>
    public Task<ApiResponse<ArtifactLineageResponse>> GetArtifactLineageAsync(string id, CancellationToken cancellationToken = default) =>
        GetJsonAsync($"/v1/artifacts/{Escape(id)}/lineage", ContractsJsonContext.Default.ArtifactLineageResponse, cancellationToken);
}

using System.Net;
using LlamaOrch.Contracts;
using LlamaOrch.Contracts.Control;
using LlamaOrch.Contracts.Devices;
using LlamaOrch.Contracts.Health;

namespace LlamaOrch.Client;

public sealed partial class LlamaOrchClient
{
    /// <summary><c>GET /health</c>: orchestratord's liveness and readiness with each pool's state (no token needed).</summary>
    public Task<ApiResponse<HealthResponse>> GetHealthAsync(CancellationToken cancellationToken = default) =>
        GetJsonAsync("/health", ContractsJsonContext.Default.HealthResponse, cancellationToken);

    /// <summary><c>GET /health/live</c>: the liveness probe; a 503 answer is returned (with <c>live: false</c>), not thrown.</summary>
    public Task<ApiResponse<HealthResponse>> GetLivenessAsync(CancellationToken cancellationToken = default) => ProbeAsync("/health/live", cancellationToken);

    /// <summary><c>GET /health/ready</c>: the readiness probe; a 503 answer is returned (with <c>ready: false</c>), not thrown.</summary>
    public Task<ApiResponse<HealthResponse>> GetReadinessAsync(CancellationToken cancellationToken = default) => ProbeAsync("/health/ready", cancellationToken);

    private Task<ApiResponse<HealthResponse>> ProbeAsync(string path, CancellationToken cancellationToken) =>
        CallAsync(HttpMethod.Get, path, null, idempotent: true, (r, ct) => ReadJsonAsync(r, ContractsJsonContext.Default.HealthResponse, ct),
            cancellationToken, HttpStatusCode.OK, HttpStatusCode.ServiceUnavailable);

    /// <summary><c>GET /metrics</c>: the Prometheus text exposition, as text.</summary>
    public Task<ApiResponse<string>> GetMetricsTextAsync(CancellationToken cancellationToken = default) =>
        CallAsync(HttpMethod.Get, "/metrics", null, idempotent: true, (r, ct) => r.Content.ReadAsStringAsync(ct), cancellationToken);

    /// <summary><c>GET /v1/capabilities</c>: API version, each pool's engine, limits and slots, sampler profiles, determinism and session features.</summary>
    public Task<ApiResponse<CapabilitiesResponse>> GetCapabilitiesAsync(CancellationToken cancellationToken = default) =>
        GetJsonAsync("/v1/capabilities", ContractsJsonContext.Default.CapabilitiesResponse, cancellationToken);

    /// <summary><c>GET /v1/replicasets</c>: every replica with its slots, load, state and SLO snapshot.</summary>
    public Task<ApiResponse<IReadOnlyList<ReplicaSetEntry>>> GetReplicaSetsAsync(CancellationToken cancellationToken = default) =>
        GetJsonAsync("/v1/replicasets", ContractsJsonContext.Default.IReadOnlyListReplicaSetEntry, cancellationToken);

    /// <summary><c>GET /v1/devices</c>: the device inventory (VRAM, reservations) and the replicas on each device.</summary>
    public Task<ApiResponse<DevicesResponse>> GetDevicesAsync(CancellationToken cancellationToken = default) =>
        GetJsonAsync("/v1/devices", ContractsJsonContext.Default.DevicesResponse, cancellationToken);

    /// <summary><c>GET /v1/pools/{id}/health</c>: a pool's liveness, readiness, drain/reload state and queue metrics.</summary>
    public Task<ApiResponse<PoolHealthResponse>> GetPoolHealthAsync(string poolId, CancellationToken cancellationToken = default) =>
        GetJsonAsync($"/v1/pools/{Escape(poolId)}/health", ContractsJsonContext.Default.PoolHealthResponse, cancellationToken);

    /// <summary><c>POST /v1/pools/{id}/drain</c>: stop admitting; queued and running tasks may take <paramref name="deadlineMs"/> more.</summary>
    public Task<ApiResponse<DrainResponse>> DrainPoolAsync(string poolId, long deadlineMs, CancellationToken cancellationToken = default) =>
        SendJsonAsync(HttpMethod.Post, $"/v1/pools/{Escape(poolId)}/drain", new DrainRequest { DeadlineMs = deadlineMs },
            ContractsJsonContext.Default.DrainRequest, ContractsJsonContext.Default.DrainResponse, idempotent: true, cancellationToken);

    /// <summary><c>POST /v1/pools/{id}/resume</c>: admit again after a drain.</summary>
    public Task<ApiResponse<ResumeResponse>> ResumePoolAsync(string poolId, CancellationToken cancellationToken = default) =>
        CallAsync(HttpMethod.Post, $"/v1/pools/{Escape(poolId)}/resume", null, idempotent: true,
            (r, ct) => ReadJsonAsync(r, ContractsJsonContext.Default.ResumeResponse, ct), cancellationToken);

    /// <summary><c>POST /v1/pools/{id}/reload</c>: switch the pool to another model (a model ref or a catalog id); the old replicas finish their tasks.</summary>
    public Task<ApiResponse<ReloadResponse>> ReloadPoolAsync(string poolId, string newModelRef, CancellationToken cancellationToken = default) =>
        SendJsonAsync(HttpMethod.Post, $"/v1/pools/{Escape(poolId)}/reload", new ReloadRequest { NewModelRef = newModelRef },
            ContractsJsonContext.Default.ReloadRequest, ContractsJsonContext.Default.ReloadResponse, idempotent: false, cancellationToken);
}

using System.Text.Json.Serialization;
using LlamaOrch.Contracts.Artifacts;
using LlamaOrch.Contracts.Catalog;
using LlamaOrch.Contracts.Control;
using LlamaOrch.Contracts.Devices;
using LlamaOrch.Contracts.Errors;
using LlamaOrch.Contracts.Health;
using LlamaOrch.Contracts.Sessions;
using LlamaOrch.Contracts.Tasks;
using LlamaOrch.Contracts.Tools;

namespace LlamaOrch.Contracts;

/// <summary>Source-generated snake_case serialisation of every wire type; no reflection at run time.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    NumberHandling = JsonNumberHandling.Strict,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Disallow)]
[JsonSerializable(typeof(TaskRequestBody))]
[JsonSerializable(typeof(AdmissionResponse))]
[JsonSerializable(typeof(StartedFrame))]
[JsonSerializable(typeof(TokenFrame))]
[JsonSerializable(typeof(EmbeddingFrame))]
[JsonSerializable(typeof(ScoreFrame))]
[JsonSerializable(typeof(MetricsFrame))]
[JsonSerializable(typeof(EndFrame))]
[JsonSerializable(typeof(SessionResponse))]
[JsonSerializable(typeof(BudgetRequest))]
[JsonSerializable(typeof(ErrorEnvelope))]
[JsonSerializable(typeof(HealthResponse))]
[JsonSerializable(typeof(DevicesResponse))]
[JsonSerializable(typeof(CapabilitiesResponse))]
[JsonSerializable(typeof(PoolHealthResponse))]
[JsonSerializable(typeof(DrainRequest))]
[JsonSerializable(typeof(DrainResponse))]
[JsonSerializable(typeof(ReloadRequest))]
[JsonSerializable(typeof(ReloadResponse))]
[JsonSerializable(typeof(ResumeResponse))]
[JsonSerializable(typeof(IReadOnlyList<ReplicaSetEntry>))]
[JsonSerializable(typeof(CatalogModelRequest))]
[JsonSerializable(typeof(CatalogModelResponse))]
[JsonSerializable(typeof(CatalogListResponse))]
[JsonSerializable(typeof(VerifyResponse))]
[JsonSerializable(typeof(StateRequest))]
[JsonSerializable(typeof(StateResponse))]
[JsonSerializable(typeof(ArtifactRequest))]
[JsonSerializable(typeof(ArtifactSummary))]
[JsonSerializable(typeof(ArtifactResponse))]
[JsonSerializable(typeof(ArtifactListResponse))]
[JsonSerializable(typeof(ArtifactLineageResponse))]
[JsonSerializable(typeof(ReplayRequest))]
[JsonSerializable(typeof(HttpFetchRequest))]
[JsonSerializable(typeof(HttpFetchResponse))]
[JsonSerializable(typeof(ToolAuditResponse))]
[JsonSerializable(typeof(SearchRequest))]
[JsonSerializable(typeof(SearchResponse))]
public sealed partial class ContractsJsonContext : JsonSerializerContext;

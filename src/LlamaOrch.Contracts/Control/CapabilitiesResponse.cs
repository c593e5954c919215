namespace LlamaOrch.Contracts.Control;

/// <summary><c>GET /v1/capabilities</c>: what a client needs to shape its requests and derive safe concurrency.</summary>
public sealed record CapabilitiesResponse(
    string ApiVersion,
    IReadOnlyList<EngineCapability> Engines,
    IReadOnlyList<SamplerProfileInfo> SamplerProfiles,
    DeterminismGuarantees Determinism);

/// <summary>One pool: the engine serving a model, and its limits.</summary>
/// <param name="Slots">Concurrent tasks across the pool's replicas: the safe concurrency for this model.</param>
/// <param name="EngineVersion">What a ready replica reported; null before any was ready.</param>
public sealed record EngineCapability(
    string Engine,
    string? EngineVersion,
    string PoolId,
    string Model,
    bool Ready,
    int CtxMax,
    int MaxTokensOut,
    IReadOnlyList<string> SupportedWorkloads,
    int Slots,
    int Replicas,
    RateLimits RateLimits,
    EngineFeatures Features);

/// <param name="QueueCapacity">Tasks the pool queues beyond its slots before answering 429.</param>
public sealed record RateLimits(int QueueCapacity, string FullPolicy);

public sealed record EngineFeatures(bool Streaming, bool Cancel, bool DeterminismStrict, bool PrefixCache, bool Synthetic);

public sealed record SamplerProfileInfo(
    string Version,
    double Temperature,
    int TopK,
    double TopP,
    double MinP,
    double RepeatPenalty,
    IReadOnlyList<string> Overridable);

public sealed record DeterminismGuarantees(string Strict, string BestEffort);

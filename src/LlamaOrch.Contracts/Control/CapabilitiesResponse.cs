namespace LlamaOrch.Contracts.Control;

/// <summary><c>GET /v1/capabilities</c>: what a client needs to shape its requests and derive safe concurrency.</summary>
public sealed record CapabilitiesResponse(
    string ApiVersion,
    IReadOnlyList<EngineCapability> Engines,
    IReadOnlyList<SamplerProfileInfo> SamplerProfiles,
    DeterminismGuarantees Determinism,
    OrchestratorFeatures Features);

/// <summary>What the orchestrator does across pools, beside each pool's own <see cref="EngineFeatures"/>.</summary>
public sealed record OrchestratorFeatures(SessionFeatures Sessions, ToolFeatures? Tools = null);

/// <summary>The tools served to agents (docs/tools-and-policy.md): their HTTP endpoints, and the MCP server that serves them too.</summary>
/// <param name="Endpoints">The tool endpoints, e.g. <c>/v1/tools/http/fetch</c>.</param>
/// <param name="SearchBackend">A search backend is configured (<c>Orchestrator:Tools:Search:Url</c>); without one, search answers 503.</param>
/// <param name="McpEndpoint">The MCP server's path (Streamable HTTP, behind the API token).</param>
/// <param name="McpTools">The tools the MCP server lists.</param>
public sealed record ToolFeatures(IReadOnlyList<string> Endpoints, bool SearchBackend, string McpEndpoint, IReadOnlyList<string> McpTools);

/// <summary>How sessions behave and what their budgets are (docs/sessions-and-budgets.md), in one place.</summary>
/// <param name="KvReuse">A session's next turn is sent to the slot holding its KV, and the engine evaluates only what is new.</param>
/// <param name="IdleTtlMs">A session ends after this long without a task (<c>Orchestrator:Sessions:IdleTtlSeconds</c>).</param>
/// <param name="AffinityWaitMs">How long a task waits at most for its session's busy slot before going cold elsewhere; 0 never waits.</param>
/// <param name="DeleteErasesKv"><c>DELETE /v1/sessions/{id}</c> erases the session's KV on its engine.</param>
/// <param name="MaxTurns">Turns a session may have; 0 for no limit (<c>Orchestrator:Sessions:MaxTurns</c>).</param>
public sealed record SessionFeatures(bool KvReuse, long IdleTtlMs, long AffinityWaitMs, bool DeleteErasesKv, int MaxTurns, BudgetFeatures Budgets);

/// <summary>
/// Session budgets (<c>Orchestrator:Budgets</c>): <c>off</c>, <c>advisory</c> or <c>enforce</c>, and the limits a new
/// session starts with (null: unlimited); <c>PUT /v1/sessions/{id}/budget</c> changes one session's.
/// </summary>
public sealed record BudgetFeatures(string Mode, long? Tokens, long? TimeMs, decimal? Cost);

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

/// <param name="TokenCounts">
/// <c>exact</c>: every replica's engine counts the tokens it read and wrote. <c>estimated_if_unreported</c>: an upstream
/// of the pool speaks a protocol whose server may leave counts out (OpenAI-compatible without <c>usage</c>, Triton
/// without the vLLM backend's counts); for such a task <c>tokens_out</c> is one per streamed piece and <c>tokens_in</c> 0.
/// </param>
public sealed record EngineFeatures(bool Streaming, bool Cancel, bool DeterminismStrict, bool PrefixCache, bool Synthetic, string? TokenCounts = null);

public sealed record SamplerProfileInfo(
    string Version,
    double Temperature,
    int TopK,
    double TopP,
    double MinP,
    double RepeatPenalty,
    IReadOnlyList<string> Overridable);

public sealed record DeterminismGuarantees(string Strict, string BestEffort);

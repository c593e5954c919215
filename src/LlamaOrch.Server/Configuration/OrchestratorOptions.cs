namespace LlamaOrch.Server.Configuration;

/// <summary>
/// The <c>Orchestrator</c> configuration section as bound from appsettings, environment variables
/// (<c>Orchestrator__Queue__Capacity=8</c>) and the command line. Validated once by <see cref="OrchestratorSettings"/>.
/// </summary>
internal sealed class OrchestratorOptions
{
    public const string Section = "Orchestrator";

    public string? DataDir { get; set; }
    public List<PoolOptions> Pools { get; set; } = [];
    public QueueOptions Queue { get; set; } = new();
    public LimitsOptions Limits { get; set; } = new();
    public AuthOptions Auth { get; set; } = new();
    public TasksOptions Tasks { get; set; } = new();
    public SessionsOptions Sessions { get; set; } = new();
    public BudgetsOptions Budgets { get; set; } = new();
    public SupervisorSection Supervisor { get; set; } = new();
    public ModelsOptions Models { get; set; } = new();
    public DevicesOptions Devices { get; set; } = new();
    public CatalogOptions Catalog { get; set; } = new();
    public ArtifactsOptions Artifacts { get; set; } = new();
    public HealthOptions Health { get; set; } = new();
    public MetricsOptions Metrics { get; set; } = new();
    public LlamaOrch.Server.Tools.ToolsOptions Tools { get; set; } = new();
}

/// <summary>Who may read <c>/metrics</c> (Orchestrator:Metrics).</summary>
internal sealed class MetricsOptions
{
    /// <summary>True: <c>/metrics</c> needs the API token. Unset: only when a bind is not loopback.</summary>
    public bool? RequireToken { get; set; }
}

/// <summary>What <c>/health/ready</c> waits for (Orchestrator:Health).</summary>
internal sealed class HealthOptions
{
    /// <summary>The pools that must be able to serve before orchestratord is ready; empty for every pool.</summary>
    public List<string> ReadyPools { get; set; } = [];
}

/// <summary>The model catalog (Orchestrator:Catalog); its database lives in DataDir.</summary>
internal sealed class CatalogOptions
{
    /// <summary>Folder of <c>KEY_ID.pem</c> public keys that model signatures are checked against; default DataDir/trusted-keys.</summary>
    public string? TrustedKeysDir { get; set; }

    /// <summary>Folders, beside the model search paths and cache, whose GGUF files catalog entries may point at.</summary>
    public List<string> AllowedRoots { get; set; } = [];

    /// <summary>Lets verification download an entry's http(s) URL from loopback, private and link-local addresses
    /// (a local mirror); off by default, since clients choose the URL.</summary>
    public bool AllowPrivateSourceHosts { get; set; }
}

/// <summary>The artifact registry (Orchestrator:Artifacts); its index lives in DataDir.</summary>
internal sealed class ArtifactsOptions
{
    /// <summary>Folder of the artifact files; default DataDir/artifacts.</summary>
    public string? Dir { get; set; }

    /// <summary>Largest canonical form of one artifact, in bytes; default 8 MiB (the request body limit applies first).</summary>
    public int? MaxBytes { get; set; }
}

/// <summary>The GPU inventory probe (Orchestrator:Devices).</summary>
internal sealed class DevicesOptions
{
    /// <summary>The nvidia-smi to run; absent from the machine means no GPU.</summary>
    public string NvidiaSmi { get; set; } = "nvidia-smi";
    public int RefreshSeconds { get; set; } = 5;
}

/// <summary>Where model files come from (Orchestrator:Models).</summary>
internal sealed class ModelsOptions
{
    /// <summary>Folders searched for a model's file before the cache and before any download.</summary>
    public List<string> SearchPaths { get; set; } = [];
    public string? CacheDir { get; set; }
    public string? HfEndpoint { get; set; }
    public bool Offline { get; set; }

    /// <summary>Expected sha256 per model ref, beside the built-in ones (a list: refs contain ':').</summary>
    public List<ModelDigestOptions> Digests { get; set; } = [];
}

internal sealed class ModelDigestOptions
{
    public string? Ref { get; set; }
    public string? Sha256 { get; set; }
}

internal sealed class PoolOptions
{
    public string? Id { get; set; }
    public string? Engine { get; set; }
    public string? Model { get; set; }
    public int? Replicas { get; set; }
    public int? Slots { get; set; }
    public List<string>? Devices { get; set; }
    public int? Ctx { get; set; }
    public int? Threads { get; set; }

    /// <summary>Decode speed assumed for start predictions before a replica has been measured.</summary>
    public double? ExpectedTokensPerSecond { get; set; }
    public List<string>? Workloads { get; set; }
    public QueueOptions? Queue { get; set; }
    public string? EngineCommand { get; set; }
    public List<string>? EngineArgs { get; set; }

    /// <summary>Engines the pool schedules onto but does not start; see docs/upstreams.md.</summary>
    public List<UpstreamOptions>? Upstreams { get; set; }

    /// <summary>What 1,000 prompt tokens cost against session cost budgets; default 0.</summary>
    public decimal? PricePer1kTokensIn { get; set; }

    /// <summary>What 1,000 generated tokens cost against session cost budgets; default 0.</summary>
    public decimal? PricePer1kTokensOut { get; set; }
}

/// <summary>One engine a pool does not start (Orchestrator:Pools:N:Upstreams:M).</summary>
internal sealed class UpstreamOptions
{
    /// <summary>The server's root: http://host:port or https://host:port.</summary>
    public string? Url { get; set; }

    /// <summary>llamacpp, openai, tgi or triton (docs/upstreams.md).</summary>
    public string? Protocol { get; set; }

    /// <summary>A file holding the API key, sent as a bearer token.</summary>
    public string? ApiKeyFile { get; set; }

    /// <summary>An environment variable holding the API key (alternative to ApiKeyFile).</summary>
    public string? ApiKeyEnv { get; set; }

    /// <summary>Concurrent slots; unset to read them from the server.</summary>
    public int? Slots { get; set; }

    /// <summary>A PEM file of CA certificates to check an https upstream against, instead of the machine's roots.</summary>
    public string? CaFile { get; set; }

    /// <summary>The upstream's own model name, where its protocol needs one.</summary>
    public string? Model { get; set; }

    /// <summary>Connections to the upstream at most; default its slots plus 4.</summary>
    public int? MaxConnections { get; set; }

    /// <summary>Seconds a request may go without a byte from the upstream before it fails as stalled; default 30.</summary>
    public double? StallTimeoutSeconds { get; set; }
}

internal sealed class QueueOptions
{
    public int? Capacity { get; set; }
    public string? Policy { get; set; }
}

internal sealed class LimitsOptions
{
    public int? MaxBodyBytes { get; set; }
    public int? MaxPromptChars { get; set; }
    public int? MaxInputs { get; set; }
}

internal sealed class AuthOptions
{
    /// <summary>A file holding the API token (alternative to LLORCH_API_TOKEN).</summary>
    public string? TokenFile { get; set; }

    /// <summary>Local development only: no token on /v1. Refused unless every bind is loopback.</summary>
    public bool Disabled { get; set; }
}

internal sealed class TasksOptions
{
    public int RetentionSeconds { get; set; } = 300;
    public int MaxRetained { get; set; } = 10_000;
    public int MetricsIntervalMs { get; set; } = 500;
    public int KeepAliveSeconds { get; set; } = 15;

    /// <summary>The model a task without model_ref asks for; unset: the one model the pools serve.</summary>
    public string? DefaultModel { get; set; }

    /// <summary>At shutdown, how long running tasks may take to finish before they end with WORKER_RESET.</summary>
    public int ShutdownGraceSeconds { get; set; } = 10;
}

/// <summary>How long sessions last, and how long their tasks wait for their KV's slot (Orchestrator:Sessions).</summary>
internal sealed class SessionsOptions
{
    /// <summary>A session ends after this many seconds without a task.</summary>
    public int IdleTtlSeconds { get; set; } = (int)LlamaOrch.Core.Sessions.SessionDefaults.IdleTtl.TotalSeconds;

    /// <summary>How long a session's task waits at most for the busy slot holding its KV before it goes cold elsewhere; 0 never waits.</summary>
    public int AffinityWaitMs { get; set; } = (int)LlamaOrch.Core.Sessions.SessionDefaults.AffinityWait.TotalMilliseconds;

    /// <summary>Turns a session may have; 0 for unlimited.</summary>
    public int MaxTurns { get; set; }
}

/// <summary>Per-session budgets (Orchestrator:Budgets): the mode, and each session's budget until a PUT changes it; unset is unlimited.</summary>
internal sealed class BudgetsOptions
{
    /// <summary><c>off</c>, <c>advisory</c> or <c>enforce</c>.</summary>
    public string Mode { get; set; } = "off";
    public long? Tokens { get; set; }
    public long? TimeMs { get; set; }
    public decimal? Cost { get; set; }
}

internal sealed class SupervisorSection
{
    public int StartTimeoutSeconds { get; set; } = 120;
    public int RestartBackoffInitialMs { get; set; } = 250;
    public int RestartBackoffMaxMs { get; set; } = 30_000;
    public int CrashLoopThreshold { get; set; } = 3;
    public int HealthIntervalMs { get; set; } = 5000;
    public int UnhealthyThreshold { get; set; } = 3;
    public int ReloadTimeoutSeconds { get; set; } = 300;
}

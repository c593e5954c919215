using LlamaOrch.Core.Admission;
using LlamaOrch.Core.Budgets;
using LlamaOrch.Core.Pools;
using LlamaOrch.Core.Scheduling;
using LlamaOrch.Core.Tasks;
using LlamaOrch.EngineProtocol.Simulation;
using LlamaOrch.Engines.Models;
using LlamaOrch.Engines.Placement;
using LlamaOrch.Engines.Supervision;

namespace LlamaOrch.Server.Configuration;

/// <summary>The validated, immutable configuration orchestratord runs with.</summary>
internal sealed record OrchestratorSettings(
    string DataDir,
    IReadOnlyList<PoolConfig> Pools,
    bool UsingDefaultPool,
    AdmissionLimits Limits,
    AuthOptions Auth,
    TasksOptions Tasks,
    SessionsOptions Sessions,
    SupervisorOptions Supervisor,
    ModelStoreOptions Models,
    DevicesOptions Devices,
    string TrustedKeysDir,
    IReadOnlyList<string> ReadyPools,
    IReadOnlyList<string> CatalogAllowedRoots,
    BudgetMode BudgetMode,
    BudgetLimits BudgetDefaults,
    string ArtifactsDir,
    int ArtifactMaxBytes,
    bool CatalogAllowPrivateSourceHosts)
{
    /// <summary>The default of Orchestrator:Artifacts:MaxBytes.</summary>
    public const int DefaultArtifactMaxBytes = 8 * 1024 * 1024;

    /// <summary>Served when no pool is configured; any configured pool replaces it entirely.</summary>
    public static readonly PoolConfig DefaultPool = new()
    {
        Id = "default",
        Model = ModelStoreOptions.DefaultModelRef,
        Replicas = 1,
        Slots = 4,
        Ctx = 512,
    };

    /// <summary>Validates the bound options, whose paths <see cref="ConfiguredPaths"/> has made absolute; throws <see cref="ConfigurationException"/> naming the bad key.</summary>
    public static OrchestratorSettings From(OrchestratorOptions options)
    {
        var defaultCapacity = Positive(options.Queue.Capacity ?? 256, "Orchestrator:Queue:Capacity");
        var defaultPolicy = ParsePolicy(options.Queue.Policy ?? "reject", "Orchestrator:Queue:Policy");

        var pools = new List<PoolConfig>();
        for (var index = 0; index < options.Pools.Count; index++)
            pools.Add(Pool(options.Pools[index], $"Orchestrator:Pools:{index}", defaultCapacity, defaultPolicy));

        var duplicate = pools.GroupBy(p => p.Id).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ConfigurationException($"Orchestrator:Pools: pool id '{duplicate.Key}' is used twice");

        var usingDefault = pools.Count == 0;
        if (usingDefault) pools.Add(DefaultPool with { QueueCapacity = defaultCapacity, QueuePolicy = defaultPolicy });

        var defaultLimits = new AdmissionLimits();
        var limits = defaultLimits with
        {
            MaxBodyBytes = Positive(options.Limits.MaxBodyBytes ?? defaultLimits.MaxBodyBytes, "Orchestrator:Limits:MaxBodyBytes"),
            MaxPromptChars = Positive(options.Limits.MaxPromptChars ?? defaultLimits.MaxPromptChars, "Orchestrator:Limits:MaxPromptChars"),
            MaxInputs = Positive(options.Limits.MaxInputs ?? defaultLimits.MaxInputs, "Orchestrator:Limits:MaxInputs"),
        };
        Positive(options.Tasks.RetentionSeconds, "Orchestrator:Tasks:RetentionSeconds");
        Positive(options.Tasks.MaxRetained, "Orchestrator:Tasks:MaxRetained");
        Positive(options.Tasks.MetricsIntervalMs, "Orchestrator:Tasks:MetricsIntervalMs");
        TimerSeconds(options.Tasks.KeepAliveSeconds, "Orchestrator:Tasks:KeepAliveSeconds");
        Positive(options.Sessions.IdleTtlSeconds, "Orchestrator:Sessions:IdleTtlSeconds");
        if (options.Sessions.AffinityWaitMs < 0)
            throw new ConfigurationException($"Orchestrator:Sessions:AffinityWaitMs must be 0 or more (got {options.Sessions.AffinityWaitMs})");
        if (options.Sessions.MaxTurns < 0)
            throw new ConfigurationException($"Orchestrator:Sessions:MaxTurns must be 0 (unlimited) or more (got {options.Sessions.MaxTurns})");
        if (!WireNames.BudgetModes.TryGetValue(options.Budgets.Mode.ToLowerInvariant(), out var budgetMode))
            throw new ConfigurationException($"Orchestrator:Budgets:Mode '{options.Budgets.Mode}' is not one of off, advisory, enforce");
        var budgetDefaults = new BudgetLimits(
            NotNegative(options.Budgets.Tokens, "Orchestrator:Budgets:Tokens"),
            NotNegative(options.Budgets.TimeMs, "Orchestrator:Budgets:TimeMs"),
            NotNegative(options.Budgets.Cost, "Orchestrator:Budgets:Cost"));
        if (options.Tasks.ShutdownGraceSeconds < 0)
            throw new ConfigurationException($"Orchestrator:Tasks:ShutdownGraceSeconds must be 0 or more (got {options.Tasks.ShutdownGraceSeconds})");
        // The host's own shutdown timer waits the grace plus 25 s (OrchestratorApp).
        if (options.Tasks.ShutdownGraceSeconds > 0) TimerSeconds(options.Tasks.ShutdownGraceSeconds, "Orchestrator:Tasks:ShutdownGraceSeconds", TimerLimit.LongestSeconds - 25);
        TimerSeconds(options.Devices.RefreshSeconds, "Orchestrator:Devices:RefreshSeconds");
        if (string.IsNullOrWhiteSpace(options.Devices.NvidiaSmi)) throw new ConfigurationException("Orchestrator:Devices:NvidiaSmi must not be empty");

        var supervisor = new SupervisorOptions
        {
            StartTimeout = TimeSpan.FromSeconds(TimerSeconds(options.Supervisor.StartTimeoutSeconds, "Orchestrator:Supervisor:StartTimeoutSeconds")),
            RestartBackoffInitial = TimeSpan.FromMilliseconds(Positive(options.Supervisor.RestartBackoffInitialMs, "Orchestrator:Supervisor:RestartBackoffInitialMs")),
            RestartBackoffMax = TimeSpan.FromMilliseconds(Positive(options.Supervisor.RestartBackoffMaxMs, "Orchestrator:Supervisor:RestartBackoffMaxMs")),
            CrashLoopThreshold = Positive(options.Supervisor.CrashLoopThreshold, "Orchestrator:Supervisor:CrashLoopThreshold"),
            HealthInterval = TimeSpan.FromMilliseconds(Positive(options.Supervisor.HealthIntervalMs, "Orchestrator:Supervisor:HealthIntervalMs")),
            UnhealthyThreshold = Positive(options.Supervisor.UnhealthyThreshold, "Orchestrator:Supervisor:UnhealthyThreshold"),
            ReloadTimeout = TimeSpan.FromSeconds(TimerSeconds(options.Supervisor.ReloadTimeoutSeconds, "Orchestrator:Supervisor:ReloadTimeoutSeconds")),
        };

        var dataDir = options.DataDir is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "llama-orch");
        var trustedKeys = options.Catalog.TrustedKeysDir is { Length: > 0 } keys ? keys : Path.Combine(dataDir, "trusted-keys");
        var readyPools = options.Health.ReadyPools;
        if (readyPools.FirstOrDefault(id => pools.All(p => p.Id != id)) is { } unknown)
            throw new ConfigurationException($"Orchestrator:Health:ReadyPools: no pool '{unknown}' (pools: {string.Join(", ", pools.Select(p => p.Id))})");
        if (options.Tasks.DefaultModel is { } defaultModel && !ModelRef.TryParse(defaultModel, out _, out var defaultModelError))
            throw new ConfigurationException($"Orchestrator:Tasks:DefaultModel: {defaultModelError}");
        return new OrchestratorSettings(
            dataDir, pools, usingDefault, limits, options.Auth, options.Tasks, options.Sessions, supervisor, ModelStoreFrom(options.Models), options.Devices, trustedKeys, readyPools,
            AllowedRoots(options.Catalog.AllowedRoots), budgetMode, budgetDefaults,
            options.Artifacts.Dir is { Length: > 0 } artifactsDir ? artifactsDir : Path.Combine(dataDir, "artifacts"),
            Positive(options.Artifacts.MaxBytes ?? DefaultArtifactMaxBytes, "Orchestrator:Artifacts:MaxBytes"),
            options.Catalog.AllowPrivateSourceHosts);
    }

    private static T? NotNegative<T>(T? value, string key) where T : struct, System.Numerics.INumber<T> =>
        value is { } set && T.IsNegative(set) ? throw new ConfigurationException($"{key} must be 0 or more, or unset for unlimited (got {set})") : value;

    /// <summary>Absolute paths; "/" is refused, since it would make every file on the machine registrable.</summary>
    private static IReadOnlyList<string> AllowedRoots(List<string> roots)
    {
        var paths = new List<string>();
        for (var index = 0; index < roots.Count; index++)
        {
            var key = $"Orchestrator:Catalog:AllowedRoots:{index}";
            if (string.IsNullOrWhiteSpace(roots[index])) throw new ConfigurationException($"{key} must not be empty");
            var path = roots[index];
            if (Path.GetPathRoot(path) == path) throw new ConfigurationException($"{key} '{roots[index]}' is a file-system root; name the folder that holds the models");
            paths.Add(path);
        }
        return paths;
    }

    private static ModelStoreOptions ModelStoreFrom(ModelsOptions models)
    {
        var digests = new Dictionary<string, string>(ModelStoreOptions.BuiltInDigests);
        for (var index = 0; index < models.Digests.Count; index++)
        {
            var entry = models.Digests[index];
            var key = $"Orchestrator:Models:Digests:{index}";
            if (entry.Ref is null || !ModelRef.TryParse(entry.Ref, out _, out _))
                throw new ConfigurationException($"{key}:Ref is not a model ref: {entry.Ref}");
            if (entry.Sha256 is not { Length: 64 } sha || !sha.All(char.IsAsciiHexDigit))
                throw new ConfigurationException($"{key}:Sha256 must be 64 hex digits");
            digests[entry.Ref] = entry.Sha256.ToLowerInvariant();
        }

        var endpoint = models.HfEndpoint ?? Environment.GetEnvironmentVariable("HF_ENDPOINT");
        Uri? hfEndpoint = null;
        if (endpoint is { Length: > 0 } && !Uri.TryCreate(endpoint, UriKind.Absolute, out hfEndpoint))
            throw new ConfigurationException($"Orchestrator:Models:HfEndpoint '{endpoint}' is not an absolute URL");

        var defaults = new ModelStoreOptions();
        return defaults with
        {
            CacheDir = models.CacheDir is { Length: > 0 } cache ? cache : defaults.CacheDir,
            SearchPaths = models.SearchPaths,
            HfEndpoint = hfEndpoint ?? defaults.HfEndpoint,
            Offline = models.Offline,
            KnownDigests = digests,
        };
    }

    private static PoolConfig Pool(PoolOptions pool, string key, int defaultCapacity, FullPolicy defaultPolicy)
    {
        if (string.IsNullOrWhiteSpace(pool.Id)) throw new ConfigurationException($"{key}:Id is required");
        if (!pool.Id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            throw new ConfigurationException($"{key}:Id '{pool.Id}' may hold only letters, digits, '-', '_' and '.'");
        if (string.IsNullOrWhiteSpace(pool.Model)) throw new ConfigurationException($"{key}:Model is required (a model ref such as sim:NAME)");
        if (!ModelRef.TryParse(pool.Model, out _, out var modelError)) throw new ConfigurationException($"{key}:Model: {modelError}");
        // A sim ref's declared VRAM is read at placement; a bad one is refused here rather than as a replica that never starts.
        if (SimRef.IsSimRef(pool.Model) && !SimModelFootprint.TryParse(pool.Model, out _, out var footprintError))
            throw new ConfigurationException($"{key}:Model: {footprintError}");
        var engine = pool.Engine ?? "llamacpp";
        if (!WireNames.Engines.TryGetValue(engine, out var engineKind) || engineKind is not (EngineKind.LlamaCpp or EngineKind.Vllm or EngineKind.Tgi or EngineKind.Triton))
            throw new ConfigurationException($"{key}:Engine '{engine}' is not supported (supported: llamacpp, vllm, tgi, triton)");

        var upstreams = UpstreamSettings.From(pool.Upstreams, $"{key}:Upstreams");
        // A pool that lists upstreams starts no engine of its own unless Replicas asks for some beside them.
        var replicas = upstreams.Count > 0
            ? (pool.Replicas ?? 0) >= 0 ? pool.Replicas ?? 0 : throw new ConfigurationException($"{key}:Replicas must be 0 or more (got {pool.Replicas})")
            : Positive(pool.Replicas ?? 1, $"{key}:Replicas");
        // orchestratord starts llama.cpp engines only: a vllm pool is made of vLLM servers that run elsewhere, spoken to
        // over OpenAI's API, a tgi pool of TGI servers over TGI's own, a triton pool of Triton servers over its generate extension.
        if ((engineKind switch
            {
                EngineKind.Vllm => UpstreamProtocol.OpenAi,
                EngineKind.Tgi => UpstreamProtocol.Tgi,
                EngineKind.Triton => UpstreamProtocol.Triton,
                _ => (UpstreamProtocol?)null,
            }) is { } needed
            && (upstreams.Count == 0 || replicas > 0 || upstreams.Any(u => u.Protocol != needed)))
            throw new ConfigurationException(
                $"{key}:Engine '{engine}' needs {key}:Upstreams with Protocol {needed.ToString().ToLowerInvariant()} and no engines of its own ({key}:Replicas 0 or unset)");

        return new PoolConfig
        {
            Id = pool.Id,
            Engine = engineKind,
            Model = pool.Model,
            Replicas = replicas,
            Upstreams = upstreams,
            Slots = Positive(pool.Slots ?? 4, $"{key}:Slots"),
            Devices = DeviceList(pool.Devices, $"{key}:Devices"),
            Ctx = Positive(pool.Ctx ?? 4096, $"{key}:Ctx"),
            Threads = Positive(pool.Threads ?? 1, $"{key}:Threads"),
            ExpectedTokensPerSecond = pool.ExpectedTokensPerSecond is { } tps
                ? (tps > 0 && double.IsFinite(tps) ? tps : throw new ConfigurationException($"{key}:ExpectedTokensPerSecond must be positive (got {tps})"))
                : SimModelFootprint.DeclaredTokensPerSecond(pool.Model),
            Workloads = Workloads(pool.Workloads, $"{key}:Workloads"),
            QueueCapacity = pool.Queue?.Capacity is { } capacity ? Positive(capacity, $"{key}:Queue:Capacity") : defaultCapacity,
            QueuePolicy = pool.Queue?.Policy is { } policy ? ParsePolicy(policy, $"{key}:Queue:Policy") : defaultPolicy,
            EngineCommand = string.IsNullOrWhiteSpace(pool.EngineCommand) ? null : pool.EngineCommand,
            Price = new TokenPrice(
                NotNegative(pool.PricePer1kTokensIn, $"{key}:PricePer1kTokensIn") ?? 0,
                NotNegative(pool.PricePer1kTokensOut, $"{key}:PricePer1kTokensOut") ?? 0),
            EngineArgs = pool.EngineArgs ?? [],
        };
    }

    /// <summary>"cpu" (the default), "auto" (any GPU that fits, else the CPU), or the GPU indices a replica may use.</summary>
    private static IReadOnlyList<string> DeviceList(List<string>? devices, string key)
    {
        if (devices is not { Count: > 0 }) return [DevicePlacement.Cpu];
        var normalised = devices.Select(d => d.Trim().ToLowerInvariant()).Distinct().ToList();
        if (normalised is [DevicePlacement.Cpu] or [DevicePlacement.Auto]) return normalised;
        if (normalised.All(d => d.Length is > 0 and <= 3 && d.All(char.IsAsciiDigit)))
            return normalised.Select(d => int.Parse(d, System.Globalization.CultureInfo.InvariantCulture).ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        throw new ConfigurationException($"{key} must be [\"cpu\"], [\"auto\"] or GPU indices such as [\"0\", \"1\"] (got {string.Join(", ", devices)})");
    }

    /// <summary>What a pool's engines serve; rerank needs a reranking model (one with a classification head).</summary>
    private static IReadOnlyList<Workload> Workloads(List<string>? names, string key)
    {
        if (names is not { Count: > 0 }) return [Workload.Completion];
        var workloads = new List<Workload>();
        foreach (var name in names)
        {
            if (!WireNames.Workloads.TryGetValue(name, out var workload))
                throw new ConfigurationException($"{key}: '{name}' is not a workload (completion | embedding | rerank)");
            if (!workloads.Contains(workload)) workloads.Add(workload);
        }
        return workloads;
    }

    private static FullPolicy ParsePolicy(string value, string key) => value.ToLowerInvariant() switch
    {
        "reject" => FullPolicy.Reject,
        "drop-lru" or "droplru" => FullPolicy.DropLru,
        _ => throw new ConfigurationException($"{key} '{value}' is not a full policy (reject | drop-lru)"),
    };

    private static int Positive(int value, string key) =>
        value > 0 ? value : throw new ConfigurationException($"{key} must be positive (got {value})");

    /// <summary>A positive number of seconds that a timer waits, which cannot be longer than <see cref="TimerLimit.LongestSeconds"/>.</summary>
    private static int TimerSeconds(int value, string key, int max = TimerLimit.LongestSeconds) =>
        Positive(value, key) <= max ? value
            : throw new ConfigurationException($"{key} must be at most {max} (49 days, the longest a timer waits; got {value})");
}

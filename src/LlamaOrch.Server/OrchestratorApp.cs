using LlamaOrch.Core;
using LlamaOrch.Core.Admission;
using LlamaOrch.Core.Artifacts;
using LlamaOrch.Core.Catalog;
using LlamaOrch.Core.Placement;
using LlamaOrch.Core.Pools;
using LlamaOrch.Engines.Artifacts;
using LlamaOrch.Engines.Catalog;
using LlamaOrch.Engines.Devices;
using LlamaOrch.Engines.Placement;
using LlamaOrch.Engines.Models;
using LlamaOrch.Engines.Supervision;
using LlamaOrch.Server.Catalog;
using LlamaOrch.Server.Configuration;
using LlamaOrch.Server.Endpoints;
using LlamaOrch.Server.Endpoints.Anthropic;
using LlamaOrch.Server.Endpoints.OpenAi;
using LlamaOrch.Server.Health;
using LlamaOrch.Server.Hosting;
using LlamaOrch.Server.Http;
using LlamaOrch.Server.Metrics;
using LlamaOrch.Server.Security;
using LlamaOrch.Server.Telemetry;
using LlamaOrch.Server.Endpoints.Mcp;
using LlamaOrch.Server.Tools;
using Microsoft.Extensions.Logging.Console;

namespace LlamaOrch.Server;

/// <summary>The composition root of orchestratord: configuration, services, middleware and endpoints.</summary>
internal static class OrchestratorApp
{
    /// <summary>Time left after the shutdown grace to stop the web server and the engines (each gets up to 10 s to exit).</summary>
    private static readonly TimeSpan EngineStopAllowance = TimeSpan.FromSeconds(20);

    /// <summary>Builds the app; throws <see cref="ConfigurationException"/> for configuration it refuses.</summary>
    public static async Task<WebApplication> BuildAsync(string[] args)
    {
        // Content root is orchestratord's own folder, so its appsettings.json applies from any working directory,
        // unless --contentRoot names another (an explicit ContentRootPath would otherwise override it).
        var contentRoot = new ConfigurationBuilder().AddCommandLine(args).Build()[WebHostDefaults.ContentRootKey];
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = string.IsNullOrEmpty(contentRoot) ? AppContext.BaseDirectory : Path.GetFullPath(contentRoot),
        });
        ConfigureConsoleLog(builder.Logging, builder.Configuration);
        var hostingRequestLog = HostingRequestLog.Configure(builder.Logging, builder.Configuration);

        var urls = BindAddresses.Parse(builder.Configuration[WebHostDefaults.ServerUrlsKey]);
        builder.WebHost.UseUrls([.. urls]);
        // Kestrel endpoints from configuration bind too: the loopback check must see them.
        var listening = urls.Concat(builder.Configuration.GetSection("Kestrel:Endpoints").GetChildren()
            .Select(endpoint => endpoint["Url"]).OfType<string>()).ToList();

        OrchestratorOptions options;
        try
        {
            options = builder.Configuration.GetSection(OrchestratorOptions.Section).Get<OrchestratorOptions>() ?? new OrchestratorOptions();
        }
        catch (InvalidOperationException error)
        {
            throw new ConfigurationException($"Orchestrator: {error.Message}");
        }
        new ConfiguredPaths(builder.Configuration).Anchor(options);
        var settings = OrchestratorSettings.From(options);
        var token = ApiTokenSource.Resolve(settings, listening);
        var requestLimits = new RequestLimits(settings.Limits.MaxBodyBytes);
        builder.WebHost.ConfigureKestrel(kestrel => requestLimits.ApplyTo(kestrel.Limits));

        var modelFiles = new ModelFileRule(settings.Models, settings.CatalogAllowedRoots, settings.CatalogAllowPrivateSourceHosts);
        var catalog = await OpenCatalogAsync(settings, modelFiles);
        var trustedKeys = LoadTrustedKeys(settings.TrustedKeysDir);
        var artifacts = await OpenArtifactsAsync(settings);

        var services = builder.Services;
        services.AddSingleton(catalog);
        services.AddSingleton(artifacts);
        services.AddSingleton<IArtifactWriter>(artifacts);
        services.AddSingleton(modelFiles);
        services.AddSingleton(trustedKeys);
        services.AddSingleton<ModelVerifier>();
        services.AddSingleton<CatalogVerifications>();
        services.AddSingleton(settings);
        services.AddSingleton(token);
        services.AddSingleton(settings.Limits);
        services.AddSingleton(requestLimits);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new DeviceInventory(new NvidiaSmiProbe(settings.Devices.NvidiaSmi, sp.GetRequiredService<TimeProvider>())));
        services.AddSingleton<DeviceLedger>();
        services.AddSingleton<IDeviceAvailability, LedgerDeviceAvailability>();
        services.AddOrchestratorMetrics(MetricsAccess.From(options.Metrics, listening));
        var tracing = OrchestratorTracing.AddIfConfigured(services, builder.Configuration);
        services.AddLlamaOrchCore(new CoreOptions(
            settings.Pools,
            TimeSpan.FromSeconds(settings.Tasks.RetentionSeconds),
            settings.Tasks.MaxRetained,
            TimeSpan.FromMilliseconds(settings.Tasks.MetricsIntervalMs),
            settings.Tasks.DefaultModel,
            TimeSpan.FromSeconds(settings.Sessions.IdleTtlSeconds),
            TimeSpan.FromMilliseconds(settings.Sessions.AffinityWaitMs),
            settings.Sessions.MaxTurns,
            settings.BudgetMode,
            settings.BudgetDefaults,
            settings.ArtifactMaxBytes));
        // The host allows HostOptions.ShutdownTimeout (30 s by default) for the whole stop: room for the grace, for the cut runs to unwind, then for stopping the engines.
        var stopNeeds = TimeSpan.FromSeconds(settings.Tasks.ShutdownGraceSeconds) + ShutdownSequence.CutRunsAllowance + EngineStopAllowance;
        services.Configure<HostOptions>(host =>
        {
            if (host.ShutdownTimeout < stopNeeds) host.ShutdownTimeout = stopNeeds;
        });
        services.AddSingleton(sp => new ModelStore(
            settings.Models, logger: sp.GetRequiredService<ILoggerFactory>().CreateLogger<ModelStore>(), time: sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<ReplicaPlacer>();
        services.AddSingleton(sp => new PoolSupervisor(
            sp.GetRequiredService<PoolRegistry>(), sp.GetRequiredService<ModelStore>(), catalog, sp.GetRequiredService<ReplicaPlacer>(),
            settings.Supervisor with { EngineRecordsDir = Path.Combine(settings.DataDir, "engines") },
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton<IEngineProcesses>(sp => sp.GetRequiredService<PoolSupervisor>());
        services.AddSingleton<PoolLifecycle>();
        services.AddSingleton(sp => new PoolReadiness(settings.ReadyPools, sp.GetRequiredService<AdmissionGate>()));
        services.AddOrchestratorHealthChecks();
        services.AddOrchestratorTools(options.Tools, settings.DataDir);
        services.AddMcpToolServer();
        services.AddHostedService<DeviceRefreshService>();
        services.AddHostedService<PoolHostedService>();

        var app = builder.Build();
        if (hostingRequestLog is not null) app.Lifetime.ApplicationStarted.Register(hostingRequestLog.Serving);
        await artifacts.ReconcileAsync(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger<ArtifactStore>(), CancellationToken.None);
        app.UseMiddleware<CorrelationIdMiddleware>();
        app.UseErrorEnvelopes();
        app.UseMiddleware<RequestLimitsMiddleware>();
        app.UseMiddleware<ApiTokenMiddleware>();
        app.MapHealth();
        app.MapTaskEndpoints();
        app.MapSessionEndpoints();
        app.MapDevices();
        app.MapControlEndpoints();
        app.MapCatalogEndpoints();
        app.MapArtifactEndpoints();
        app.MapMetricsEndpoint();
        app.MapToolEndpoints();
        app.MapAnthropicEndpoints();
        app.MapMcpToolServer();
        app.MapOpenAiEndpoints();

        LogStartup(app, settings, token, listening, tracing);
        return app;
    }

    /// <summary>
    /// Readable lines (time, level, category, message) on a terminal, JSON lines when the output goes to a file,
    /// a pipe or journald; <c>Logging:Console:FormatterName</c> (<c>simple</c> or <c>json</c>) chooses either way.
    /// </summary>
    private static void ConfigureConsoleLog(ILoggingBuilder logging, IConfiguration configuration)
    {
        logging.ClearProviders();
        var chosen = configuration["Logging:Console:FormatterName"];
        logging.AddConsole(console => console.FormatterName = string.IsNullOrEmpty(chosen)
            ? Console.IsOutputRedirected ? ConsoleFormatterNames.Json : ConsoleFormatterNames.Simple
            : chosen);
        // Options only: AddSimpleConsole/AddJsonConsole would each also pick their formatter.
        logging.Services.Configure<SimpleConsoleFormatterOptions>(text =>
        {
            text.SingleLine = true;
            text.IncludeScopes = true;
            text.TimestampFormat = "HH:mm:ss.fff ";
        });
        logging.Services.Configure<JsonConsoleFormatterOptions>(json =>
        {
            json.IncludeScopes = true;
            json.UseUtcTimestamp = true;
            json.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
        });
    }

    /// <summary>The catalog database in DataDir; one that cannot be opened stops the start with the reason.</summary>
    private static async Task<ModelCatalog> OpenCatalogAsync(OrchestratorSettings settings, ModelFileRule modelFiles)
    {
        try
        {
            var store = await SqliteCatalogStore.OpenAsync(settings.DataDir, CancellationToken.None);
            return await ModelCatalog.OpenAsync(store, TimeProvider.System, modelFiles, CancellationToken.None);
        }
        catch (Exception error) when (error is Microsoft.Data.Sqlite.SqliteException or IOException or UnauthorizedAccessException or InvalidDataException)
        {
            throw new ConfigurationException($"Orchestrator:DataDir: cannot open the catalog in {settings.DataDir}: {error.Message}");
        }
    }

    /// <summary>The artifact folder and its index in DataDir; one that cannot be opened stops the start with the reason.</summary>
    private static async Task<ArtifactStore> OpenArtifactsAsync(OrchestratorSettings settings)
    {
        try
        {
            return await ArtifactStore.OpenAsync(settings.DataDir, settings.ArtifactsDir, CancellationToken.None);
        }
        catch (Exception error) when (error is Microsoft.Data.Sqlite.SqliteException or IOException or UnauthorizedAccessException or InvalidDataException)
        {
            throw new ConfigurationException($"Orchestrator:Artifacts: cannot open the artifacts in {settings.ArtifactsDir} (index in {settings.DataDir}): {error.Message}");
        }
    }

    private static TrustedKeys LoadTrustedKeys(string directory)
    {
        try
        {
            return TrustedKeys.Load(directory, mustExist: false);
        }
        catch (Exception error) when (error is InvalidDataException or IOException or System.Security.Cryptography.CryptographicException or FormatException)
        {
            throw new ConfigurationException($"Orchestrator:Catalog:TrustedKeysDir: {error.Message}");
        }
    }

    private static void LogStartup(WebApplication app, OrchestratorSettings settings, ApiTokenSource token, IReadOnlyList<string> urls, bool tracing)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("orchestratord");
        if (token.AuthDisabled)
            logger.LogWarning("API token check is DISABLED (Orchestrator:Auth:Disabled); allowed only because every bind is loopback: {Urls}", string.Join(", ", urls));
        else
            logger.LogInformation("API token required on /v1; token from {Origin}", token.Origin);
        if (tracing)
            logger.LogInformation("Tracing on: spans exported over OTLP (OTEL_EXPORTER_OTLP_*), the engines' too");
        if (settings.UsingDefaultPool)
            logger.LogInformation("No pool configured: serving the default pool '{Pool}' ({Model})", settings.Pools[0].Id, settings.Pools[0].Model);
        foreach (var pool in settings.Pools)
            logger.LogInformation("Pool {Pool}: model {Model}, {Replicas} replica(s) × {Slots} slots, queue {Capacity} ({Policy})",
                pool.Id, pool.Model, pool.Replicas, pool.Slots, pool.QueueCapacity, pool.QueuePolicy);
    }
}

using LlamaOrch.Core.Admission;
using LlamaOrch.Core.Pools;
using LlamaOrch.Core.Tasks;
using LlamaOrch.Engines.Devices;
using LlamaOrch.Engines.Models;
using LlamaOrch.Engines.Supervision;
using LlamaOrch.Server.Configuration;
using LlamaOrch.Server.Endpoints;
using LlamaOrch.Server.Hosting;
using LlamaOrch.Server.Http;
using LlamaOrch.Server.Security;

namespace LlamaOrch.Server;

/// <summary>The composition root of orchestratord: configuration, services, middleware and endpoints.</summary>
internal static class OrchestratorApp
{
    /// <summary>Builds the app; throws <see cref="ConfigurationException"/> for configuration it refuses.</summary>
    public static WebApplication Build(string[] args)
    {
        // Content root is orchestratord's own folder, so its appsettings.json applies from any working directory.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.Logging.AddJsonConsole(json =>
        {
            json.IncludeScopes = true;
            json.UseUtcTimestamp = true;
            json.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
        });

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
        var settings = OrchestratorSettings.From(options);
        var token = ApiTokenSource.Resolve(settings, listening);

        var services = builder.Services;
        services.AddSingleton(settings);
        services.AddSingleton(token);
        services.AddSingleton(settings.Limits);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new TaskStore(
            TimeSpan.FromSeconds(settings.Tasks.RetentionSeconds), settings.Tasks.MaxRetained, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new TaskRunner(
            sp.GetRequiredService<TimeProvider>(),
            TimeSpan.FromMilliseconds(settings.Tasks.MetricsIntervalMs),
            sp.GetRequiredService<ILogger<TaskRunner>>()));
        services.AddSingleton(sp => new PoolRegistry(settings.Pools
            .Select(config => new PoolRuntime(config, sp.GetRequiredService<TaskRunner>(), sp.GetRequiredService<TimeProvider>()))
            .ToList()));
        services.AddSingleton<AdmissionService>();
        services.AddSingleton(sp => new ModelStore(
            settings.Models, logger: sp.GetRequiredService<ILoggerFactory>().CreateLogger<ModelStore>(), time: sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new PoolSupervisor(
            sp.GetRequiredService<PoolRegistry>(), sp.GetRequiredService<ModelStore>(), settings.Supervisor,
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>()));
        services.AddHostedService<PoolHostedService>();
        services.AddSingleton(sp => new DeviceInventory(new NvidiaSmiProbe(settings.Devices.NvidiaSmi, sp.GetRequiredService<TimeProvider>())));
        services.AddHostedService<DeviceRefreshService>();

        var app = builder.Build();
        app.UseMiddleware<CorrelationIdMiddleware>();
        app.UseErrorEnvelopes();
        app.UseMiddleware<ApiTokenMiddleware>();
        app.MapHealth();
        app.MapTaskEndpoints();
        app.MapDevices();
        app.MapControlEndpoints();

        LogStartup(app, settings, token, listening);
        return app;
    }

    private static void LogStartup(WebApplication app, OrchestratorSettings settings, ApiTokenSource token, IReadOnlyList<string> urls)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("orchestratord");
        if (token.AuthDisabled)
            logger.LogWarning("API token check is DISABLED (Orchestrator:Auth:Disabled); allowed only because every bind is loopback: {Urls}", string.Join(", ", urls));
        else
            logger.LogInformation("API token required on /v1; token from {Origin}", token.Origin);
        if (settings.UsingDefaultPool)
            logger.LogInformation("No pool configured: serving the default pool '{Pool}' ({Model})", settings.Pools[0].Id, settings.Pools[0].Model);
        foreach (var pool in settings.Pools)
            logger.LogInformation("Pool {Pool}: model {Model}, {Replicas} replica(s) × {Slots} slots, queue {Capacity} ({Policy})",
                pool.Id, pool.Model, pool.Replicas, pool.Slots, pool.QueueCapacity, pool.QueuePolicy);
    }
}

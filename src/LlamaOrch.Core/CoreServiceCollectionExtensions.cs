using LlamaOrch.Core;
using LlamaOrch.Core.Admission;
using LlamaOrch.Core.Artifacts;
using LlamaOrch.Core.Budgets;
using LlamaOrch.Core.Catalog;
using LlamaOrch.Core.Placement;
using LlamaOrch.Core.Pools;
using LlamaOrch.Core.Sessions;
using LlamaOrch.Core.Tasks;
using LlamaOrch.Core.Telemetry;
using Microsoft.Extensions.Logging;

// In the namespace of IServiceCollection, as the framework's own Add… methods are, so a host finds it without a using.
namespace Microsoft.Extensions.DependencyInjection;

public static class CoreServiceCollectionExtensions
{
    /// <summary>
    /// Registers the pools, admission, placement, the task store and the shutdown sequence as singletons. The host
    /// registers what they draw on: a <see cref="TimeProvider"/>, logging, the <see cref="ModelCatalog"/> admission
    /// checks models against, the <see cref="IDeviceAvailability"/> placement reads, and the <see cref="ITaskMetrics"/>
    /// the pools report to (and, optionally, the <see cref="IBudgetMetrics"/> session budgets report to, and the
    /// <see cref="IArtifactWriter"/> task transcripts are stored in).
    /// </summary>
    public static IServiceCollection AddLlamaOrchCore(this IServiceCollection services, CoreOptions options)
    {
        services.AddSingleton(sp => new TaskStore(options.TaskRetention, options.MaxRetainedTasks, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new TaskRunner(
            sp.GetRequiredService<TimeProvider>(), options.MetricsInterval, sp.GetRequiredService<ILogger<TaskRunner>>(),
            new TaskTranscript(sp.GetService<IArtifactWriter>(), sp.GetService<ModelCatalog>(), sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILoggerFactory>().CreateLogger("LlamaOrch.Transcripts"), options.ArtifactMaxBytes)));
        services.AddSingleton<PlacementCounters>();
        services.AddSingleton(sp => new BudgetPolicy(
            options.BudgetMode, options.BudgetDefaults ?? BudgetLimits.Unlimited,
            sp.GetRequiredService<ILoggerFactory>().CreateLogger("LlamaOrch.Budgets"), sp.GetService<IBudgetMetrics>()));
        services.AddSingleton(sp => new SessionRegistry(
            sp.GetRequiredService<TimeProvider>(), options.SessionIdleTtl ?? SessionDefaults.IdleTtl, budgets: sp.GetRequiredService<BudgetPolicy>(), maxTurns: options.MaxTurns));
        services.AddSingleton(sp => new PlacementContext(
            sp.GetRequiredService<IDeviceAvailability>(),
            sp.GetRequiredService<SessionRegistry>(),
            sp.GetRequiredService<PlacementCounters>(),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger("LlamaOrch.Placement")));
        services.AddSingleton(sp => new PoolRegistry(options.Pools
            .Select(config => new PoolRuntime(
                config, sp.GetRequiredService<TaskRunner>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<PlacementContext>(),
                sp.GetRequiredService<ITaskMetrics>(), options.SessionAffinityWait ?? SessionDefaults.AffinityWait))
            .ToList()));
        services.AddSingleton<PoolPlacement>();
        services.AddSingleton<AdmissionGate>();
        services.AddSingleton(sp => new AdmissionService(
            sp.GetRequiredService<PoolRegistry>(), sp.GetRequiredService<TaskStore>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<PoolPlacement>(), sp.GetRequiredService<ModelCatalog>(), sp.GetRequiredService<AdmissionGate>(),
            options.DefaultModel));
        services.AddSingleton(sp => new ShutdownSequence(
            sp.GetRequiredService<PoolRegistry>(), sp.GetRequiredService<TaskStore>(), sp.GetRequiredService<AdmissionGate>(),
            sp.GetRequiredService<TaskRunner>(), sp.GetRequiredService<TimeProvider>()));
        return services;
    }
}

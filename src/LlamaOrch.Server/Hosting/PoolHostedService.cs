using LlamaOrch.Core.Catalog;
using LlamaOrch.Core.Pools;
using LlamaOrch.Core.Tasks;
using LlamaOrch.Engines.Supervision;
using LlamaOrch.Server.Configuration;

namespace LlamaOrch.Server.Hosting;

/// <summary>
/// Starts the engine replicas with the host and stops them with it (Ctrl-C and SIGTERM included), and
/// runs the housekeeping: queued-deadline expiry, task retention, and keep-alive pulses for idle streams.
/// At shutdown it runs the <see cref="ShutdownSequence"/> first, before the web server stops, so that
/// every open stream still gets its last frame.
/// </summary>
internal sealed class PoolHostedService(
    PoolSupervisor supervisor,
    PoolRegistry pools,
    ModelCatalog catalog,
    TaskStore tasks,
    ShutdownSequence shutdown,
    OrchestratorSettings settings,
    TimeProvider time,
    ILogger<PoolHostedService> logger) : BackgroundService, IHostedLifecycleService
{
    /// <summary>How late a queued task past its deadline may leave the queue.</summary>
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(50);

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // A pool whose model was retired before the restart stays out of service until the model is Active again.
        foreach (var pool in pools.All)
        {
            if (catalog.Find(pool.Config.Model) is not { State: CatalogState.Retired } retired) continue;
            pool.RemoveReplicas(pool.StopServing($"model '{retired.Id}' is retired"));
            logger.LogWarning("Pool {PoolId} is not started: its model {ModelId} is retired", pool.Id, retired.Id);
        }
        supervisor.Start();
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var ticks = 0L;
        var sweepEvery = (long)Math.Max(1, TimeSpan.FromSeconds(1) / Tick);
        var pulseEvery = (long)Math.Max(1, TimeSpan.FromSeconds(settings.Tasks.KeepAliveSeconds) / Tick);
        using var timer = new PeriodicTimer(Tick, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                ticks++;
                foreach (var pool in pools.All) pool.ExpireOverdue();
                if (ticks % sweepEvery == 0) tasks.SweepExpired();
                if (ticks % pulseEvery == 0) tasks.PulseReaders();
            }
        }
        catch (OperationCanceledException)
        {
            // Host is stopping.
        }
    }

    /// <summary>
    /// Runs before any hosted service stops, the web server included (which then waits for the streams to end),
    /// and while the housekeeping above still runs.
    /// </summary>
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        var grace = TimeSpan.FromSeconds(settings.Tasks.ShutdownGraceSeconds);
        logger.LogInformation("Shutting down: admission closes, queued tasks end; running tasks may finish within {GraceSeconds} s", grace.TotalSeconds);
        var (queued, cut) = await shutdown.RunAsync(grace, cancellationToken);
        if (queued + cut > 0)
            logger.LogWarning("Shut down with {Queued} queued and {Cut} running tasks unfinished; their streams end with WORKER_RESET", queued, cut);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await supervisor.StopAsync();
        logger.LogInformation("All engine replicas stopped");
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

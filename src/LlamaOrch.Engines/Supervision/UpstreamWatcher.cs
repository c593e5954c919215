using LlamaOrch.Core.Pools;
using LlamaOrch.Engines.Upstreams;
using Microsoft.Extensions.Logging;

namespace LlamaOrch.Engines.Supervision;

/// <summary>
/// Keeps one upstream replica (an engine we do not start) in its pool: waits for its health check to pass,
/// reads what it says about itself, reports it ready, and watches it on the supervisor's beat. The first missed
/// check stops dispatch to it; <see cref="SupervisorOptions.UnhealthyThreshold"/> in a row take its tasks back
/// (as for a hung local engine) and mark it down until it answers again. It never starts, stops or kills the
/// upstream: that server belongs to someone else.
/// </summary>
internal sealed class UpstreamWatcher(PoolRuntime pool, ReplicaPlan plan, SupervisorOptions options, TimeProvider time, ILogger logger) : IReplicaRun
{
    private const string Device = "upstream";

    private readonly UpstreamConfig _upstream = plan.Upstream ?? throw new ArgumentException("not an upstream replica", nameof(plan));

    public string ReplicaId => plan.ReplicaId;

    public int? ProcessId => null;

    public async Task RunAsync(CancellationToken stopping)
    {
        using var http = UpstreamHttp.Create(_upstream, _upstream.Slots ?? plan.Config.Slots);
        using var fresh = UpstreamHttp.CreateFresh(_upstream);
        var engine = UpstreamEngines.For(_upstream, http, fresh);
        pool.ReplicaStarting(ReplicaId, Device);
        string? lastDown = null;
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                var down = await ServeWhileHealthyAsync(engine, stopping).ConfigureAwait(false);
                if (stopping.IsCancellationRequested) break;
                pool.ReplicaDown(ReplicaId, down);
                if (down != lastDown)
                    logger.LogWarning("Upstream replica {ReplicaId} ({Url}) is down: {Reason}; checking again every {IntervalMs} ms",
                        ReplicaId, _upstream.Display, down, (long)options.HealthInterval.TotalMilliseconds);
                lastDown = down;
                await Task.Delay(options.HealthInterval, time, stopping).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Orchestratord stops, or the pool let this replica go; the upstream itself runs on.
        }
    }

    /// <summary>Serves while the upstream answers; returns why it no longer does.</summary>
    private async Task<string> ServeWhileHealthyAsync(IUpstreamEngine engine, CancellationToken stopping)
    {
        if (!await AnswersHealthAsync(engine, stopping).ConfigureAwait(false))
            return $"upstream {_upstream.Display} does not answer its health check";

        Core.Engines.EngineFacts facts;
        try
        {
            using var timeout = new CancellationTokenSource(options.StartTimeout, time);
            using var ask = CancellationTokenSource.CreateLinkedTokenSource(stopping, timeout.Token);
            facts = await engine.GetFactsAsync(plan.Config.Ctx, _upstream.Slots ?? plan.Config.Slots, ask.Token).ConfigureAwait(false);
        }
        catch (Exception error) when (error is HttpRequestException or System.Text.Json.JsonException
                                          or Core.Engines.EngineFailureException
                                          || (error is OperationCanceledException && !stopping.IsCancellationRequested))
        {
            return $"upstream {_upstream.Display} answered its health check but not what it serves: {error.Message}";
        }
        // Configured slots win over what the server says: the operator may want fewer of them used.
        if (_upstream.Slots is { } configured) facts = facts with { TotalSlots = configured };

        logger.LogInformation("Upstream replica {ReplicaId} ready at {Url} ({EngineVersion}, ctx {Ctx} per slot, {Slots} slots)",
            ReplicaId, _upstream.Display, facts.EngineVersion, facts.CtxPerSlot, facts.TotalSlots);
        pool.ReplicaReady(ReplicaId, engine, facts);
        return await WatchAsync(engine, stopping).ConfigureAwait(false);
    }

    /// <summary>Checks on a fixed beat until <see cref="SupervisorOptions.UnhealthyThreshold"/> checks in a row are missed.</summary>
    private async Task<string> WatchAsync(IUpstreamEngine engine, CancellationToken stopping)
    {
        using var beat = new PeriodicTimer(options.HealthInterval, time);
        var missed = 0;
        while (true)
        {
            await beat.WaitForNextTickAsync(stopping).ConfigureAwait(false);
            if (await AnswersHealthAsync(engine, stopping).ConfigureAwait(false))
            {
                if (missed > 0) logger.LogInformation("Upstream replica {ReplicaId} answers its health check again", ReplicaId);
                // Also after a task's failed call took it out of dispatch (PoolRuntime.ReplicaCallBroke); a no-op otherwise.
                pool.ReplicaResponsive(ReplicaId);
                missed = 0;
                continue;
            }

            missed++;
            if (missed >= options.UnhealthyThreshold)
            {
                var lost = $"upstream {_upstream.Display} stopped answering its health check ({missed} checks in a row)";
                // Its tasks come back as a hung local engine's do; the upstream itself is left alone.
                pool.ReplicaHung(ReplicaId, lost);
                return lost;
            }
            if (missed == 1)
            {
                logger.LogWarning("Upstream replica {ReplicaId} missed a health check; no task is dispatched to it until it answers", ReplicaId);
                pool.ReplicaUnresponsive(ReplicaId,
                    $"unresponsive: upstream {_upstream.Display} did not answer its health check within {options.HealthCheckTimeout.TotalMilliseconds:0} ms; takes no task until it answers");
            }
        }
    }

    private async Task<bool> AnswersHealthAsync(IUpstreamEngine engine, CancellationToken stopping)
    {
        using var timeout = new CancellationTokenSource(options.HealthCheckTimeout, time);
        using var check = CancellationTokenSource.CreateLinkedTokenSource(stopping, timeout.Token);
        try
        {
            return await engine.IsHealthyAsync(check.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
        {
            return false;
        }
    }
}

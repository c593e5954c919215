using System.Diagnostics;
using LlamaOrch.Core.Pools;
using LlamaOrch.Engines.LlamaCppProtocol;
using LlamaOrch.Engines.Models;
using LlamaOrch.Engines.Placement;
using LlamaOrch.EngineProtocol.Gguf;
using LlamaOrch.EngineProtocol.Simulation;
using Microsoft.Extensions.Logging;

namespace LlamaOrch.Engines.Supervision;

/// <summary>
/// Keeps one replica's engine process alive: place it on a device, start it on a free loopback port, wait
/// for /health, report it ready, and restart it with capped exponential backoff when it exits. Repeated
/// short runs are a crash loop, reported as the pool's last error.
/// </summary>
internal sealed class ReplicaSupervisor(
    PoolRuntime pool,
    ReplicaPlan plan,
    ModelFiles models,
    ReplicaPlacer placer,
    HttpClient http,
    HttpClient freshHttp,
    SupervisorOptions options,
    EngineRecords? records,
    TimeProvider time,
    ILogger logger) : IReplicaRun
{
    private readonly string _replicaId = plan.ReplicaId;
    private Process? _process;

    /// <summary>Set by a run that failed for a reason a restart alone will not fix (no model file, no device that fits).</summary>
    private bool _cannotStart;

    public string ReplicaId => _replicaId;

    /// <summary>The engine's process id while one runs (tests use it to kill an engine).</summary>
    public int? ProcessId => _process is { HasExited: false } process ? process.Id : null;

    public async Task RunAsync(CancellationToken stopping)
    {
        var backoff = new RestartBackoff(options);
        string? lastReason = null;
        while (!stopping.IsCancellationRequested)
        {
            var started = time.GetTimestamp();
            _cannotStart = false;
            var reason = await RunOnceAsync(stopping).ConfigureAwait(false);
            if (stopping.IsCancellationRequested) break;

            var delay = backoff.Failed(time.GetElapsedTime(started));
            var report = backoff.CrashLoop ? $"crash loop ({backoff.Failures} failures in a row), last: {reason}" : reason;
            pool.ReplicaDown(_replicaId, report, cannotStart: _cannotStart || backoff.CrashLoop);
            // The reason in full once; while it repeats, one short line per retry keeps the log readable.
            if (reason == lastReason)
                logger.LogWarning("Replica {ReplicaId} is still down for the same reason (failure {Failures}); restarting in {DelayMs} ms",
                    _replicaId, backoff.Failures, (long)delay.TotalMilliseconds);
            else
                logger.LogWarning("Replica {ReplicaId} is down: {Reason}; restarting in {DelayMs} ms", _replicaId, report, (long)delay.TotalMilliseconds);
            lastReason = reason;
            try
            {
                await Task.Delay(delay, time, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    /// <summary>Runs the engine until it exits; returns why it is no longer serving.</summary>
    private async Task<string> RunOnceAsync(CancellationToken stopping)
    {
        string model;
        string device;
        try
        {
            model = await models.ResolveAsync(plan.Model, stopping).ConfigureAwait(false);
            // The chat doors render prompts while the engine still loads, so the template is read now, from the header.
            pool.ModelResolved(plan.Model, SimRef.IsSimRef(model) ? null : ChatTemplateReader.Read(model));
            var (placed, refusal) = await placer.PlaceAsync(plan, model, stopping).ConfigureAwait(false);
            if (placed is null)
            {
                _cannotStart = true;
                return refusal!;
            }
            device = placed;
        }
        catch (ModelStoreException error)
        {
            _cannotStart = true;
            return $"model {plan.Model} is not available: {error.Message}";
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            return "stopping";
        }
        finally
        {
            placer.EndTurn(_replicaId);
        }

        try
        {
            return await RunOnDeviceAsync(model, device, stopping).ConfigureAwait(false);
        }
        finally
        {
            placer.Release(_replicaId);
        }
    }

    private async Task<string> RunOnDeviceAsync(string model, string device, CancellationToken stopping)
    {
        pool.ReplicaStarting(_replicaId, device);
        var port = FreePort.Next();
        var tail = new OutputTail(20);
        Process process;
        try
        {
            process = StartProcess(model, port, device, tail);
        }
        catch (Exception error) when (error is System.ComponentModel.Win32Exception or InvalidOperationException or FileNotFoundException)
        {
            return $"cannot start engine '{EngineLaunch.Executable(plan.Config.EngineCommand).FileName}': {error.Message}";
        }

        using var _ = process;
        _process = process;
        try
        {
            var client = new LlamaCppEngineClient(http, new Uri($"http://127.0.0.1:{port}"), freshHttp);
            if (await WaitHealthyAsync(process, client, stopping).ConfigureAwait(false) is { } notHealthy)
            {
                var reason = await ExitReasonAsync(process, tail, notHealthy).ConfigureAwait(false);
                // llorch-engine exits 2 for a bad command line and 3 for a model it cannot load: restarts cannot help.
                _cannotStart = process.HasExited && process.ExitCode is 2 or 3;
                return reason;
            }

            var facts = await client.GetFactsAsync(plan.Config.Ctx, plan.Config.Slots, stopping).ConfigureAwait(false);
            facts = facts with { KvBytesPerToken = KvBytesPerToken(model) };
            logger.LogInformation("Replica {ReplicaId} ready at {Address} on {Device} ({EngineVersion}, ctx {Ctx} per slot, {Slots} slots)",
                _replicaId, client.BaseAddress, device, facts.EngineVersion, facts.CtxPerSlot, facts.TotalSlots);
            placer.Loaded(_replicaId);
            pool.ReplicaReady(_replicaId, client, facts);

            var hung = await WatchAsync(process, client, stopping).ConfigureAwait(false);
            return await ExitReasonAsync(process, tail, hung ?? "engine exited").ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            return "stopping";
        }
        catch (Exception error) when (error is HttpRequestException or System.Text.Json.JsonException)
        {
            return await ExitReasonAsync(process, tail, $"engine answered /props badly: {error.Message}").ConfigureAwait(false);
        }
        finally
        {
            await StopAsync(process).ConfigureAwait(false);
            _process = null;
        }
    }

    private Process StartProcess(string model, int port, string device, OutputTail tail)
    {
        var start = EngineLaunch.For(plan.Config, model, port, device);
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => Forward(e.Data, tail);
        process.ErrorDataReceived += (_, e) => Forward(e.Data, tail);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        records?.Started(process);
        logger.LogInformation("Replica {ReplicaId} starting: pid {Pid}, port {Port}, device {Device}, model {Model}", _replicaId, process.Id, port, device, plan.Model);
        return process;
    }

    private void Forward(string? line, OutputTail tail)
    {
        if (line is null) return;
        tail.Add(line);
        logger.LogDebug("[{ReplicaId}] {Line}", _replicaId, line);
    }

    /// <summary>
    /// Waits while the engine runs, checking /health on a fixed beat of <see cref="SupervisorOptions.HealthInterval"/>.
    /// The first missed check makes the replica unresponsive (no new task goes to it) until a check is answered;
    /// <see cref="SupervisorOptions.UnhealthyThreshold"/> missed checks in a row make it hung: the pool takes its
    /// tasks back and the caller kills the engine. Null when the engine exited by itself.
    /// </summary>
    private async Task<string?> WatchAsync(Process process, LlamaCppEngineClient client, CancellationToken stopping)
    {
        using var watch = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var exited = process.WaitForExitAsync(watch.Token);
        // A fixed beat, not a pause after each check: a hung engine is declared (threshold − 1) intervals after its first miss.
        using var beat = new PeriodicTimer(options.HealthInterval, time);
        var missed = 0;
        try
        {
            while (true)
            {
                var tick = beat.WaitForNextTickAsync(stopping).AsTask();
                if (await Task.WhenAny(exited, tick).ConfigureAwait(false) == exited)
                {
                    await exited.ConfigureAwait(false); // throws when stopping
                    return null;
                }
                await tick.ConfigureAwait(false);

                if (await AnswersHealthAsync(client, stopping).ConfigureAwait(false))
                {
                    // Also after a task's failed call took it out of dispatch (PoolRuntime.ReplicaCallBroke); a no-op otherwise.
                    pool.ReplicaResponsive(_replicaId);
                    missed = 0;
                    continue;
                }

                missed++;
                if (missed >= options.UnhealthyThreshold)
                {
                    var hung = $"engine stopped answering /health ({missed} checks in a row); killed";
                    pool.ReplicaHung(_replicaId, hung);
                    return hung;
                }
                if (missed == 1)
                {
                    logger.LogWarning("Replica {ReplicaId} missed a /health check; no task is dispatched to it until it answers", _replicaId);
                    pool.ReplicaUnresponsive(_replicaId,
                        $"unresponsive: /health not answered within {options.HealthCheckTimeout.TotalMilliseconds:0} ms; takes no task until it answers");
                }
            }
        }
        finally
        {
            await watch.CancelAsync().ConfigureAwait(false); // stop waiting for the exit
        }
    }

    /// <summary>One health check: true when /health answered 200 within <see cref="SupervisorOptions.HealthCheckTimeout"/>.</summary>
    private async Task<bool> AnswersHealthAsync(LlamaCppEngineClient client, CancellationToken stopping)
    {
        using var timeout = new CancellationTokenSource(options.HealthCheckTimeout, time);
        using var check = CancellationTokenSource.CreateLinkedTokenSource(stopping, timeout.Token);
        try
        {
            return await client.IsHealthyAsync(check.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>Null once /health answers 200; otherwise why the engine never became healthy.</summary>
    private async Task<string?> WaitHealthyAsync(Process process, LlamaCppEngineClient client, CancellationToken stopping)
    {
        var deadline = time.GetTimestamp();
        var delay = TimeSpan.FromMilliseconds(20);
        while (time.GetElapsedTime(deadline) < options.StartTimeout)
        {
            if (process.HasExited) return "engine exited during start";
            if (await client.IsHealthyAsync(stopping).ConfigureAwait(false)) return null;
            await Task.Delay(delay, time, stopping).ConfigureAwait(false);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 250));
        }
        return $"engine did not become healthy within {options.StartTimeout.TotalSeconds:0} s";
    }

    private static async Task<string> ExitReasonAsync(Process process, OutputTail tail, string what)
    {
        if (process.HasExited)
        {
            // Waiting for an exited process also drains its redirected output, so the tail holds its last words.
            try
            {
                await process.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // A grandchild holds the pipes open: report what has arrived.
            }
        }
        var code = process.HasExited ? $" (exit code {process.ExitCode})" : string.Empty;
        var last = tail.Last();
        return last is null ? what + code : $"{what}{code}: {last}";
    }

    private async Task StopAsync(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            }
            // Gone: a later start must not look for it (its pid may be someone else's by then).
            if (process.HasExited) records?.Stopped(process.Id);
        }
        catch (Exception error) when (error is InvalidOperationException or TimeoutException or System.ComponentModel.Win32Exception)
        {
            logger.LogWarning("Replica {ReplicaId}: could not stop engine pid {Pid}: {Message}", _replicaId, process.Id, error.Message);
        }
    }

    /// <summary>From the GGUF header, for the sessions' <c>kv_bytes</c>; 0 for a sim model or a header that does not say.</summary>
    private static long KvBytesPerToken(string model)
    {
        if (SimRef.IsSimRef(model)) return 0;
        try
        {
            return FitEstimator.EstimateFile(model, ctxPerSlot: 1, slots: 1).KvBytesPerToken;
        }
        catch (Exception error) when (error is FitEstimateException or GgufFormatException or IOException)
        {
            return 0;
        }
    }
}

using LlamaOrch.Contracts.Errors;
using LlamaOrch.Contracts.Tasks;
using LlamaOrch.Core.Engines;
using LlamaOrch.Core.Pools;
using Microsoft.Extensions.Logging;

namespace LlamaOrch.Core.Tasks;

/// <summary>
/// Runs one dispatched task on one replica: relays the engine's stream into the task's event log, with
/// periodic metrics frames, and ends it with <c>end</c> or <c>error</c>. Always gives the slot back.
/// </summary>
public sealed class TaskRunner(TimeProvider time, TimeSpan metricsInterval, ILogger<TaskRunner> logger)
{
    internal async Task RunAsync(OrchestratedTask task, PoolRuntime pool, string replicaId, IEngineClient client, long dispatchSeq)
    {
        var started = time.GetTimestamp();
        var completed = false;
        try
        {
            var queuedMs = (long)time.GetElapsedTime(task.AdmittedTimestamp, started).TotalMilliseconds;
            if (!task.TryStart(() => new StartedFrame(
                    task.AdmissionQueuePosition, task.PredictedStartMs, pool.Id, replicaId, task.Spec.Seed, queuedMs, dispatchSeq)))
                return; // cancelled between dequeue and start

            logger.LogDebug("Task {TaskId} started on {ReplicaId} after {QueuedMs} ms queued (correlation {CorrelationId})",
                task.Id, replicaId, queuedMs, task.CorrelationId);
            task.TryAppendMetrics(MetricsNow(task, pool, started));
            completed = await RelayAsync(task, pool, client, started).ConfigureAwait(false);
        }
        catch (EngineFailureException failure)
        {
            logger.LogWarning("Task {TaskId} failed on {ReplicaId}: {Code} {Message} (correlation {CorrelationId})",
                task.Id, replicaId, failure.Code, failure.Message, task.CorrelationId);
            task.TryFail(new ErrorEnvelope(failure.Code, failure.Message, WireNames.Of(pool.Config.Engine), failure.Retriable));
        }
        catch (Exception unexpected)
        {
            logger.LogError(unexpected, "Task {TaskId} failed unexpectedly on {ReplicaId} (correlation {CorrelationId})",
                task.Id, replicaId, task.CorrelationId);
            task.TryFail(new ErrorEnvelope(ErrorCodes.Internal, "internal error while running the task", WireNames.Of(pool.Config.Engine), Retriable: true));
        }
        finally
        {
            pool.SlotReleased(replicaId, time.GetElapsedTime(started), completed);
        }
    }

    /// <summary>True when the engine finished the task normally (its service time then counts).</summary>
    private async Task<bool> RelayAsync(OrchestratedTask task, PoolRuntime pool, IEngineClient client, long started)
    {
        using var deadline = DeadlineSource(task);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(task.AbortToken, deadline?.Token ?? CancellationToken.None);
        var request = new EngineCompletionRequest(task.Spec.Prompt, task.Spec.MaxTokens, task.Spec.Seed, task.Spec.Sampling,
            task.Spec.Determinism == Determinism.Strict, task.CorrelationId);
        var lastMetrics = started;
        EngineFinal? final = null;
        try
        {
            await foreach (var chunk in client.StreamCompletionAsync(request, linked.Token).ConfigureAwait(false))
            {
                if (chunk.Final is not null)
                {
                    final = chunk.Final;
                    break;
                }
                if (chunk.Text.Length > 0 && !task.TryAppendToken(chunk.Text)) return false; // cancelled

                var now = time.GetTimestamp();
                if (time.GetElapsedTime(lastMetrics, now) >= metricsInterval)
                {
                    lastMetrics = now;
                    task.TryAppendMetrics(MetricsNow(task, pool, started));
                }
            }
        }
        catch (OperationCanceledException) when (deadline?.IsCancellationRequested == true && !task.AbortToken.IsCancellationRequested)
        {
            task.TryEnd(new EndFrame(task.TokensOut, 0, ElapsedMs(started), Canceled: false, StopReason: "deadline"));
            return false;
        }
        catch (OperationCanceledException) when (task.AbortToken.IsCancellationRequested)
        {
            return false; // Cancel() already wrote the end frame.
        }

        if (final is null)
            throw new EngineFailureException(ErrorCodes.WorkerReset, "the engine closed the stream before its final frame", retriable: true);

        task.TryAppendMetrics(MetricsNow(task, pool, started));
        return task.TryEnd(new EndFrame(final.TokensOut, final.TokensIn, (long)final.DecodeMs, Canceled: false, StopReason: final.StopType));
    }

    private CancellationTokenSource? DeadlineSource(OrchestratedTask task)
    {
        if (task.DeadlineTimestamp is not { } deadline) return null;
        var remaining = time.GetElapsedTime(time.GetTimestamp(), deadline);
        return new CancellationTokenSource(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero, time);
    }

    private MetricsFrame MetricsNow(OrchestratedTask task, PoolRuntime pool, long started) =>
        new(pool.QueueDepth, task.TokensOut, ElapsedMs(started), OnTimeProbability: null, DeadlineRemainingMs: RemainingMs(task));

    private long? RemainingMs(OrchestratedTask task) =>
        task.DeadlineTimestamp is { } deadline ? Math.Max(0, (long)time.GetElapsedTime(time.GetTimestamp(), deadline).TotalMilliseconds) : null;

    private long ElapsedMs(long started) => (long)time.GetElapsedTime(started).TotalMilliseconds;
}

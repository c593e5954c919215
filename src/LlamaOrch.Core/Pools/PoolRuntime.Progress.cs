using LlamaOrch.Contracts.Tasks;
using LlamaOrch.Core.Scheduling;
using LlamaOrch.Core.Tasks;

namespace LlamaOrch.Core.Pools;

/// <summary>
/// What a pool tells its tasks' streams about the future: a queued task's place and predicted start (in a
/// coalesced pass, see <see cref="QueueProgress"/>), and for a task with a deadline the chance it makes it,
/// from the pool's record of how wrong its predictions were (<see cref="PredictionErrors"/>).
/// </summary>
public sealed partial class PoolRuntime
{
    /// <summary>The queue moved: its tasks hear about their new places at the next pass. An empty queue has no one to tell.</summary>
    private void QueueMoved()
    {
        if (_queue.Depth > 0) _progress.Changed();
    }

    /// <summary>
    /// One pass over the queue: each task whose place changed since its last <c>metrics</c> frame (or that has had
    /// none) gets one, with its place, its predicted start from now and, with a deadline, its on-time probability.
    /// Frames are built under the pool's lock and appended outside it.
    /// </summary>
    private void ReportQueued()
    {
        List<(OrchestratedTask Task, QueuedProgress Frame)>? reports = null;
        lock (_gate)
        {
            if (_queue.Count == 0 || _replicas.RemainingLoadMs() is not { } loadMs) return;
            var (slots, free, tokensPerSecond) = ForecastInputsLocked(loadMs);
            var depth = _queue.Count;
            foreach (var (task, position, ahead) in _queue.InDispatchOrder())
            {
                if (task.ReportedPosition == position) continue;
                task.ReportedPosition = position;
                var (startMs, _) = _queue.PredictStartMs(ahead, task.Spec.MaxTokens, loadMs, loadMeasured: true, slots, free, tokensPerSecond);
                var remainingMs = task.DeadlineRemainingMs;
                double? onTime = remainingMs is { } left
                    ? _errors.OnTimeProbability(startMs, StartPrediction.PriorServiceMs(tokensPerSecond, task.Spec.MaxTokens), left)
                    : null;
                (reports ??= []).Add((task, new QueuedProgress(depth, position, startMs, onTime, remainingMs)));
            }
        }
        foreach (var (task, frame) in reports ?? []) task.TryAppendQueuedMetrics(frame);
    }

    /// <summary>
    /// The chance a running task finishes before its deadline, with <paramref name="remainingMs"/> left: its
    /// remaining tokens at <paramref name="tokensPerSecond"/> (its own measured rate, or the pool's) against the
    /// pool's observed service-time errors.
    /// </summary>
    internal double RunningOnTimeProbability(int? maxTokens, int tokensOut, double? tokensPerSecond, long remainingMs)
    {
        lock (_gate)
        {
            var tokensLeft = Math.Max((maxTokens ?? StartPrediction.PriorTokensPerTask) - tokensOut, 0);
            var serviceMs = StartPrediction.PriorServiceMs(tokensPerSecond ?? ExpectedTokensPerSecondLocked, tokensLeft);
            return _errors.OnTimeProbability(0, serviceMs, remainingMs);
        }
    }

    /// <summary>A completed task's predictions against what happened, for later on-time probabilities. A requeued task's say nothing.</summary>
    private void ObservePredictionLocked(OrchestratedTask task, TaskOutcome outcome)
    {
        if (!outcome.Completed || task.WasRequeued) return;
        _errors.Observe(task.PredictedStartMs ?? 0, outcome.QueuedMs,
            StartPrediction.PriorServiceMs(ExpectedTokensPerSecondLocked, task.Spec.MaxTokens), outcome.ServiceTime.TotalMilliseconds);
    }

    /// <summary>The decode speed predictions take: the fastest measured replica's, else the configured one.</summary>
    private double? ExpectedTokensPerSecondLocked => _replicas.FastestTokensPerSecond ?? Config.ExpectedTokensPerSecond;

    /// <summary>While replicas load, their slots all count as free once the soonest is up.</summary>
    private (int Slots, int Free, double? TokensPerSecond) ForecastInputsLocked(long loadMs)
    {
        var loaded = loadMs == 0;
        var slots = loaded ? _replicas.ReadySlots : _replicas.ComingUpSlots;
        return (slots, loaded ? _replicas.FreeSlots : slots, ExpectedTokensPerSecondLocked);
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;
using LlamaOrch.Contracts.Errors;
using LlamaOrch.Contracts.Tasks;
using LlamaOrch.Core.Admission;
using LlamaOrch.Core.Engines;
using LlamaOrch.Core.Pools;
using LlamaOrch.Core.Scheduling;
using LlamaOrch.Core.Telemetry;
using Microsoft.Extensions.Logging;

namespace LlamaOrch.Core.Tasks;

/// <summary>
/// Runs one dispatched task on one replica: relays the engine's stream into the task's event log, with
/// periodic metrics frames, and ends it with <c>end</c> or <c>error</c>. Always gives the slot back. A run
/// that was stopped from outside (cancel, drain, shutdown, a requeue off a hung replica) writes nothing
/// more: whoever stopped it wrote what the stream needs.
/// </summary>
internal sealed class TaskRunner(TimeProvider time, TimeSpan metricsInterval, ILogger<TaskRunner> logger, TaskTranscript? transcripts = null)
{
    /// <summary>The runs in flight, by run number: owned here so that shutdown can wait for them and none goes unobserved.</summary>
    private readonly ConcurrentDictionary<long, Task> _runs = new();
    private long _lastRun;

    /// <summary>How often a stream gets a <c>metrics</c> frame at most: a running task's, and a pool's pass over its queue.</summary>
    internal TimeSpan MetricsInterval => metricsInterval;

    /// <summary>Starts the task's run off the caller's thread (a dispatcher must not run engine calls inline).</summary>
    internal void Start(OrchestratedTask task, PoolRuntime pool, string replicaId, IEngineClient client, long dispatchSeq)
    {
        var number = Interlocked.Increment(ref _lastRun);
        // Without the dispatcher's execution context: a dispatch can happen inside another task's request or run,
        // whose log scope and ambient span must not become this run's.
        AsyncFlowControl? flow = ExecutionContext.IsFlowSuppressed() ? null : ExecutionContext.SuppressFlow();
        try
        {
            // Registered before it starts, so that its own removal can never come first.
            var run = new Task<Task>(() => RunOwnedAsync(number, task, pool, replicaId, client, dispatchSeq));
            _runs[number] = run.Unwrap();
            run.Start(TaskScheduler.Default);
        }
        finally
        {
            flow?.Undo();
        }
    }

    /// <summary>Completes when every run started so far has ended (at shutdown, after the unfinished tasks were cut).</summary>
    internal Task WhenRunsEndAsync() => Task.WhenAll(_runs.Values);

    /// <summary>How many runs are in flight.</summary>
    internal int RunsInFlight => _runs.Count;

    private async Task RunOwnedAsync(long number, OrchestratedTask task, PoolRuntime pool, string replicaId, IEngineClient client, long dispatchSeq)
    {
        try
        {
            await RunAsync(task, pool, replicaId, client, dispatchSeq).ConfigureAwait(false);
        }
        catch (Exception fault)
        {
            // RunAsync handles every engine and task failure itself; reaching here means the slot may not have been given back.
            using var scope = logger.BeginScope(new TaskLogScope(task.CorrelationId, task.Id, pool.Id, replicaId));
            logger.LogCritical(fault, "The run of task {TaskId} on {ReplicaId} failed outside its error handling (correlation {CorrelationId})",
                task.Id, replicaId, task.CorrelationId);
        }
        finally
        {
            _runs.TryRemove(number, out _);
        }
    }

    private async Task RunAsync(OrchestratedTask task, PoolRuntime pool, string replicaId, IEngineClient client, long dispatchSeq)
    {
        var started = time.GetTimestamp();
        var queued = time.GetElapsedTime(task.AdmittedTimestamp, started);
        var queuedMs = queued.TotalMilliseconds;
        var completed = false;
        var ran = false;
        var speed = new RunSpeed();
        var run = CancellationToken.None;
        Activity? relay = null;
        // Every line logged during the run, by any class, names the task, its pool and replica and the correlation id;
        // closed before the slot is given back, whose dispatch of the next task logs under that task's own names.
        var scope = logger.BeginScope(new TaskLogScope(task.CorrelationId, task.Id, pool.Id, replicaId));
        try
        {
            var (slot, warmth) = task.EngineSlot;
            var completion = task.Spec.Workload == Workload.Completion;
            if (!task.TryStart(replicaId, () => new StartedFrame(
                    task.AdmissionQueuePosition, task.PredictedStartMs, pool.Id, replicaId, task.Seed, (long)queuedMs, dispatchSeq,
                    completion && slot >= 0 ? slot : null, completion ? WireNames.Of(warmth) : null), out run))
                return; // cancelled between dequeue and start
            ran = true;
            TaskTracing.RecordQueueWait(task, replicaId, queued);
            relay = TaskTracing.StartRelay(task, replicaId);
            if (!task.WasRequeued) pool.Metrics.TaskStarted(pool.MetricLabels, replicaId, task.Spec.Priority);

            logger.LogDebug("Task {TaskId} started on {ReplicaId} after {QueuedMs} ms queued (correlation {CorrelationId})",
                task.Id, replicaId, (long)queuedMs, task.CorrelationId);
            // A requeued task has no second started frame; its first metrics frame names the replica it moved to.
            task.TryAppendMetrics(MetricsNow(task, pool, started, speed) with { ReplicaId = task.WasRequeued ? replicaId : null });
            completed = await RunEngineAsync(task, started, run, token => task.Spec.Workload switch
            {
                Workload.Embedding => EmbedAsync(task, client, started, speed, token),
                Workload.Rerank => RerankAsync(task, client, started, speed, token),
                _ => RelayAsync(task, pool, replicaId, client, started, queuedMs, speed, token),
            }).ConfigureAwait(false);
        }
        catch (Exception stopped) when (run.IsCancellationRequested)
        {
            // Stopped from outside while the engine call failed (say, the hung engine of a requeued task was killed).
            logger.LogDebug("Task {TaskId} stopped on {ReplicaId}: {Message} (correlation {CorrelationId})",
                task.Id, replicaId, stopped.Message, task.CorrelationId);
        }
        catch (Exception failed) when (failed is EngineFailureException or System.Text.Json.JsonException)
        {
            // An adapter that could not read the engine's answer as its protocol's JSON: the engine answered garbage,
            // which is the engine's fault, not ours (retriable, and the replica leaves dispatch as for a lost stream).
            var failure = failed as EngineFailureException ?? new EngineFailureException(
                ErrorCodes.WorkerReset, $"replica {replicaId} answered something that is not its protocol's JSON: {failed.Message}", retriable: true, failed);
            logger.LogWarning("Task {TaskId} failed on {ReplicaId}: {Code} {Message} (correlation {CorrelationId})",
                task.Id, replicaId, failure.Code, failure.Message, task.CorrelationId);
            relay?.SetStatus(ActivityStatusCode.Error, failure.Code);
            // Out of dispatch before the stream hears of it, so that no task queued behind this one goes the same way; and
            // a task that got nothing from the lost engine runs again (once, at the head of its queue) as a hung one's does.
            if (failure.Code == ErrorCodes.WorkerReset)
            {
                pool.ReplicaCallBroke(replicaId, failure.Message);
                if (task.TryRequeue($"replica {replicaId} was lost before the task produced anything ({failure.Message}); requeued at the head of the queue")) return;
            }
            task.TryFail(new ErrorEnvelope(failure.Code, failure.Message, WireNames.Of(pool.Config.Engine), failure.Retriable));
        }
        catch (Exception unexpected)
        {
            logger.LogError(unexpected, "Task {TaskId} failed unexpectedly on {ReplicaId} (correlation {CorrelationId})",
                task.Id, replicaId, task.CorrelationId);
            relay?.SetStatus(ActivityStatusCode.Error, ErrorCodes.Internal);
            task.TryFail(new ErrorEnvelope(ErrorCodes.Internal, "internal error while running the task", WireNames.Of(pool.Config.Engine), Retriable: true));
        }
        finally
        {
            scope?.Dispose();
            if (ran) task.RunEnded();
            pool.SlotReleased(task, replicaId, new TaskOutcome(completed, time.GetElapsedTime(started), speed.FirstTokenMs, speed.TokensOut, speed.DecodeMs, queuedMs));
            // Once per run, at its end: the relay loop itself does no metrics work per token.
            if (ran)
                pool.Metrics.RunEnded(pool.MetricLabels, replicaId, task.Spec.Priority, new RunFigures(
                    speed.TokensIn, completed ? speed.TokensOut : task.TokensOut, speed.FirstTokenMs, completed && speed.FirstTokenMs is not null ? speed.DecodeMs : null));
            if (relay is not null)
            {
                relay.SetTag("llorch.completed", completed);
                relay.SetTag("llorch.tokens_in", speed.TokensIn);
                relay.SetTag("llorch.tokens_out", completed ? speed.TokensOut : task.TokensOut);
                relay.Dispose();
            }
        }
    }

    /// <summary>
    /// Runs the engine call under the task's cancel and deadline. True when the engine finished the task
    /// normally (its service time then counts); a deadline ends the stream with <c>end</c> "deadline".
    /// </summary>
    private async Task<bool> RunEngineAsync(OrchestratedTask task, long started, CancellationToken run, Func<CancellationToken, Task<bool>> work)
    {
        using var deadline = DeadlineSource(task);
        // The time budget is a timer like the deadline: nothing is checked per token.
        var timeLeft = task.Budget?.Budget.RunTimeLeft();
        // Past a timer's longest wait (49.7 days) the budget cannot stop a run, so it needs no timer (one would throw).
        if (timeLeft > TimerLimit.Longest) timeLeft = null;
        using var timeBudget = timeLeft is { } left ? new CancellationTokenSource(left, time) : null;
        using var linked = timeBudget is null
            ? CancellationTokenSource.CreateLinkedTokenSource(run, deadline?.Token ?? CancellationToken.None)
            : CancellationTokenSource.CreateLinkedTokenSource(run, deadline?.Token ?? CancellationToken.None, timeBudget.Token);
        using var request = TaskTracing.StartEngineRequest();
        try
        {
            return await work(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (deadline?.IsCancellationRequested == true && !run.IsCancellationRequested)
        {
            task.TryEnd(new EndFrame(task.TokensOut, task.TokensIn, ElapsedMs(started), Canceled: false, StopReason: "deadline"));
            return false;
        }
        catch (OperationCanceledException) when (timeBudget?.IsCancellationRequested == true && !run.IsCancellationRequested)
        {
            // Before its first token the engine has not said how long the prompt is: then it is charged at its reserved
            // upper bound. A timer may fire a hair before the clock the run is measured by says the time is up: the run
            // still used it all.
            task.Budget!.RanOutOfTime(timeLeft!.Value);
            var promptTokens = task.TokensIn is > 0 and var counted ? counted : task.Budget!.PromptTokens;
            task.TryFail(BudgetStop(task, "time", promptTokens, task.TokensOut));
            return false;
        }
        catch (OperationCanceledException) when (run.IsCancellationRequested)
        {
            return false; // stopped from outside: nothing more to write
        }
    }

    private async Task<bool> RelayAsync(OrchestratedTask task, PoolRuntime pool, string replicaId, IEngineClient client, long started, double queuedMs, RunSpeed speed, CancellationToken cancellationToken)
    {
        // Without max_tokens, an enforced budget's share is the engine's limit: the budget holds without counting tokens here.
        var budgetLimit = task.Spec.MaxTokens is null ? task.Budget?.OutputLimit : null;
        var limit = task.Spec.MaxTokens ?? EngineCompletionRequest.UntilContextFull;
        if (budgetLimit is { } share) limit = await BudgetedLimitAsync(task, share, pool.CtxMax, client, cancellationToken).ConfigureAwait(false);
        var request = new EngineCompletionRequest(task.Spec.Prompt, limit, task.Seed, task.Spec.Sampling,
            task.Spec.Determinism == Determinism.Strict, task.CorrelationId, task.EngineSlot.Slot, ReuseCachedPrefix: task.Spec.KvHint != KvHint.Cold,
            Stop: task.Spec.Stop, Grammar: task.Spec.Grammar);
        var lastMetrics = started;
        // Admission counted it for a budget's reserve already; only a task without one counts it here.
        var promptTokensAtMost = task.Budget?.PromptTokens ?? AdmissionService.PromptTokensAtMost(task.Spec);
        EngineFinal? final = null;
        var chunks = client.StreamCompletionAsync(request, cancellationToken).GetAsyncEnumerator(CancellationToken.None);
        // The tokens the engine's last read brought are appended together and their readers woken once, after the
        // last of them (see WakeDeferral): the scope is open only while chunks come without waiting, never across an await.
        var holdingWakes = false;
        try
        {
            while (true)
            {
                var next = chunks.MoveNextAsync();
                bool more;
                if (next.IsCompleted)
                {
                    more = next.GetAwaiter().GetResult();
                }
                else
                {
                    if (holdingWakes) WakeDeferral.End();
                    holdingWakes = false;
                    more = await next.ConfigureAwait(false);
                }
                if (!more) break;
                if (!holdingWakes) holdingWakes = WakeDeferral.Begin();

                var chunk = chunks.Current;
                if (speed.TokensIn == 0 && chunk.PromptTokens is > 0 and var promptTokens)
                {
                    speed.TokensIn = Math.Min(promptTokens, promptTokensAtMost);
                    task.NotePromptTokens(speed.TokensIn);
                }
                // Text only: a frame without any (a token that ends inside a UTF-8 sequence) is no first token yet.
                if (chunk.Text.Length > 0)
                {
                    if (!task.TryAppendToken(chunk.Text)) return false; // cancelled
                    speed.FirstTokenMs ??= time.GetElapsedTime(started).TotalMilliseconds;
                }
                if (chunk.Final is not null)
                {
                    // A server that sends its last text with the final frame: that text was appended above.
                    final = chunk.Final;
                    break;
                }

                var now = time.GetTimestamp();
                if (time.GetElapsedTime(lastMetrics, now) >= metricsInterval)
                {
                    lastMetrics = now;
                    task.TryAppendMetrics(MetricsNow(task, pool, started, speed));
                }
            }
        }
        finally
        {
            if (holdingWakes) WakeDeferral.End();
            await chunks.DisposeAsync().ConfigureAwait(false);
        }

        if (final is null)
            throw new EngineFailureException(ErrorCodes.WorkerReset, "the engine closed the stream before its final frame", retriable: true);
        final = Plausible(final, promptTokensAtMost, limit >= 0 ? limit : pool.CtxMax);

        // The engine tells how much of the prompt its KV cache held only in its final frame.
        task.TryAppendMetrics(MetricsNow(task, pool, started, speed) with { KvWarmth = final.KvWarmth });
        speed.TokensIn = final.TokensIn;
        speed.TokensOut = final.TokensOut;
        speed.DecodeMs = final.DecodeMs;
        if (final.TokensOut >= budgetLimit && final.StopType != "eos") return task.TryFail(BudgetStop(task, "token or cost", final.TokensIn, final.TokensOut));
        // A turn is a task that finished normally: one its budget stopped is not one (the session's turn limit counts them).
        pool.SessionTurnEnded(task, replicaId, final);
        // After the last token and before the end frame, so the frame can name it; the relay loop has finished.
        var transcriptId = task.Spec.Transcript && transcripts is not null
            ? await transcripts.StoreAsync(task, pool, replicaId, final, new RunTimings(queuedMs, speed.FirstTokenMs, time.GetElapsedTime(started).TotalMilliseconds)).ConfigureAwait(false)
            : null;
        return task.TryEnd(new EndFrame(final.TokensOut, final.TokensIn, (long)final.DecodeMs, Canceled: false, StopReason: final.StopType, final.PromptTokensCached, transcriptId, final.StopWord));
    }

    /// <summary>An embedding task: one <c>embedding</c> frame per input, then <c>end</c> with the tokens read.</summary>
    private async Task<bool> EmbedAsync(OrchestratedTask task, IEngineClient client, long started, RunSpeed speed, CancellationToken cancellationToken)
    {
        var vectors = await client.EmbedAsync(task.Spec.Inputs!, task.CorrelationId, cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < vectors.Count; i++)
        {
            if (!Array.TrueForAll(vectors[i].Vector, float.IsFinite)) throw NotFinite($"the vector of input {i}");
        }
        speed.TokensIn = vectors.Sum(v => Math.Max(v.Tokens, 0));
        for (var i = 0; i < vectors.Count; i++)
        {
            if (!task.TryAppendEmbedding(new EmbeddingFrame(i, vectors[i].Vector, Math.Max(vectors[i].Tokens, 0)))) return false;
        }
        return task.TryEnd(new EndFrame(0, speed.TokensIn, ElapsedMs(started), Canceled: false, StopReason: "embedded"));
    }

    /// <summary>A rerank task: one <c>score</c> frame per input, in the inputs' order, then <c>end</c> with the tokens read.</summary>
    private async Task<bool> RerankAsync(OrchestratedTask task, IEngineClient client, long started, RunSpeed speed, CancellationToken cancellationToken)
    {
        var scores = await client.RerankAsync(task.Spec.Prompt!, task.Spec.Inputs!, task.CorrelationId, cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < scores.Count; i++)
        {
            if (!float.IsFinite(scores[i].Score)) throw NotFinite($"the score of input {i}");
        }
        speed.TokensIn = scores.Sum(s => Math.Max(s.Tokens, 0));
        // Rank 1 is the most relevant; equal scores keep the inputs' order.
        var ranks = new int[scores.Count];
        var order = Enumerable.Range(0, scores.Count).OrderByDescending(i => scores[i].Score).ToArray();
        for (var place = 0; place < order.Length; place++) ranks[order[place]] = place + 1;
        for (var i = 0; i < scores.Count; i++)
        {
            if (!task.TryAppendScore(new ScoreFrame(i, scores[i].Score, ranks[i], Math.Max(scores[i].Tokens, 0)))) return false;
        }
        return task.TryEnd(new EndFrame(0, speed.TokensIn, ElapsedMs(started), Canceled: false, StopReason: "scored"));
    }

    /// <summary>
    /// The engine's closing counts as far as they can be true: they are what the client is told and the session is
    /// charged, and an upstream engine may send anything (a negative count once made the budget metric throw and left
    /// the stream open). No count is negative; the prompt takes at most its upper bound in tokens, the output at most
    /// the limit the engine was given (or the slot's context), the cached part at most the prompt; a time is finite.
    /// </summary>
    private static EngineFinal Plausible(EngineFinal final, int promptTokensAtMost, int outputAtMost)
    {
        var tokensIn = Math.Clamp(final.TokensIn, 0, promptTokensAtMost);
        return final with
        {
            TokensIn = tokensIn,
            TokensOut = Math.Clamp(final.TokensOut, 0, Math.Max(outputAtMost, 0)),
            DecodeMs = double.IsFinite(final.DecodeMs) && final.DecodeMs > 0 ? final.DecodeMs : 0,
            PromptTokensCached = final.PromptTokensCached is { } cached ? Math.Clamp(cached, 0, tokensIn) : null,
        };
    }

    /// <summary>
    /// The engine's limit for a run that only its session's budget limits: the budget's share, within what the slot's
    /// context leaves after the prompt. The budget means "stop here", where an engine refuses a limit past its context
    /// (llorch-engine does, with a 400), so a share the context cannot hold is cut to the room the prompt leaves; a share
    /// the whole context cannot reach is no limit. The prompt is counted by the engine only when its upper bound in
    /// tokens leaves too little room; a prompt that leaves none, or a count that fails, sends the share for the engine
    /// to judge.
    /// </summary>
    private static async ValueTask<int> BudgetedLimitAsync(OrchestratedTask task, int share, int ctxPerSlot, IEngineClient client, CancellationToken cancellationToken)
    {
        if (share >= ctxPerSlot) return EngineCompletionRequest.UntilContextFull;
        if ((long)task.Budget!.PromptTokens + share <= ctxPerSlot) return share;
        try
        {
            var room = ctxPerSlot - await client.CountTokensAsync(task.Spec.Prompt ?? string.Empty, cancellationToken).ConfigureAwait(false);
            return room >= 1 ? Math.Min(share, room) : share;
        }
        catch (Exception failure) when (failure is not OperationCanceledException)
        {
            return share;
        }
    }

    /// <summary>
    /// An engine's number that JSON cannot carry (a 1e39 read as a float is infinity: a model whose output overflowed):
    /// the frame could not be written, so the run fails on it, as on any reply the engine got wrong.
    /// </summary>
    private static EngineFailureException NotFinite(string what) =>
        new(ErrorCodes.Internal, $"the engine returned {what} with an infinite or NaN value, which JSON cannot carry", retriable: false);

    /// <summary>The <c>error</c> frame of a run its session's budget stopped, with what it had used (and was charged).</summary>
    private static ErrorEnvelope BudgetStop(OrchestratedTask task, string budget, int tokensIn, int tokensOut) => new(
        ErrorCodes.BudgetExceeded,
        $"stopped: session {task.Spec.SessionId} reached its {budget} budget after {tokensOut} generated tokens; raise it with PUT /v1/sessions/{{id}}/budget",
        WireNames.Of(task.Pool.Config.Engine), Retriable: false, PolicyLabel: AdmissionService.BudgetPolicyLabel, TokensIn: tokensIn, TokensOut: tokensOut);

    private CancellationTokenSource? DeadlineSource(OrchestratedTask task)
    {
        if (task.DeadlineTimestamp is not { } deadline) return null;
        var remaining = time.GetElapsedTime(time.GetTimestamp(), deadline);
        return new CancellationTokenSource(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero, time);
    }

    /// <summary>
    /// A running task's progress. The decode rate counts the tokens after the first over the time since it came:
    /// the first token's wait is prompt processing, not decoding. Built at most once per interval, never per token.
    /// </summary>
    private MetricsFrame MetricsNow(OrchestratedTask task, PoolRuntime pool, long started, RunSpeed speed)
    {
        var tokensOut = task.TokensOut;
        var elapsedMs = time.GetElapsedTime(started).TotalMilliseconds;
        double? tokensPerSecond = speed.FirstTokenMs is { } first && tokensOut > 1 && elapsedMs > first
            ? Math.Round((tokensOut - 1) * 1000.0 / (elapsedMs - first), 1)
            : null;
        var remainingMs = task.DeadlineRemainingMs;
        double? onTime = remainingMs is { } left ? pool.RunningOnTimeProbability(task.Spec.MaxTokens, tokensOut, tokensPerSecond, left) : null;
        var frame = new MetricsFrame(pool.QueueDepth, tokensOut, (long)elapsedMs, onTime, remainingMs, TokensPerSecond: tokensPerSecond);
        if (task.Budget is null) return frame;
        var budget = task.Budget.Budget.Remaining();
        return frame with { TokensBudgetRemaining = budget.Tokens, TimeBudgetRemainingMs = budget.TimeMs, CostBudgetRemaining = budget.Cost };
    }

    private long ElapsedMs(long started) => (long)time.GetElapsedTime(started).TotalMilliseconds;

    /// <summary>What a run showed of its replica's speed, for placement's "fastest replica" rule, and the tokens it read for the metrics.</summary>
    private sealed class RunSpeed
    {
        public int TokensIn { get; set; }

        public double? FirstTokenMs { get; set; }

        public long TokensOut { get; set; }

        public double DecodeMs { get; set; }
    }
}

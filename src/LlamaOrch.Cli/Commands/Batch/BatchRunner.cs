using LlamaOrch.Client;

namespace LlamaOrch.Cli.Commands;

/// <summary>
/// Runs a batch's tasks through one <see cref="ConcurrencyGate"/>: every task is started at once and waits for a place
/// in the gate (first come, first served), so at most the gate's limit are in flight and the limit follows the server's
/// 429s. A task that fails is an outcome, not an exception; only cancellation (Ctrl-C) stops the batch.
/// </summary>
internal sealed class BatchRunner(LlamaOrchClient client, ConcurrencyGate gate, BatchResultWriter writer, Action<BatchOutcome> onOutcome)
{
    public async Task<BatchSummary> RunAsync(IReadOnlyList<BatchLine> lines, CancellationToken cancellationToken)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var initialLimit = gate.Limit;
        var outcomes = await Task.WhenAll(lines.Select((line, index) => RunOneAsync(index, line, cancellationToken)));
        return new BatchSummary(
            Total: lines.Count,
            Done: outcomes.Count(o => o.Succeeded),
            Failed: outcomes.Count(o => !o.Succeeded && o.ErrorCode != BatchOutcome.InvalidLine),
            InvalidLines: outcomes.Count(o => o.ErrorCode == BatchOutcome.InvalidLine),
            RetriedAfter429: outcomes.Count(o => o.Retries429 > 0),
            Responses429: outcomes.Sum(o => o.Retries429),
            TokensOut: outcomes.Sum(o => (long)o.TokensOut),
            Elapsed: clock.Elapsed,
            InitialConcurrency: initialLimit,
            FinalConcurrency: gate.Limit,
            ConcurrencyCuts: gate.Decreases);
    }

    private async Task<BatchOutcome> RunOneAsync(int index, BatchLine line, CancellationToken cancellationToken)
    {
        // Yield first so that building 500 runs does not run the first ones' submissions inline.
        await Task.Yield();
        var outcome = line.Task is null ? BatchOutcome.Invalid(line) : await RunTaskAsync(line, cancellationToken);
        await writer.CompleteAsync(index, outcome, cancellationToken);
        onOutcome(outcome);
        return outcome;
    }

    private async Task<BatchOutcome> RunTaskAsync(BatchLine line, CancellationToken cancellationToken)
    {
        var run = client.RunTask(line.Task!, gate);
        try
        {
            var result = await run.CollectAsync(cancellationToken);
            var retries = run.Submission?.BackpressureRetries ?? 0;
            if (result.Error is { } error)
                return new BatchOutcome(line, run.TaskId, result.Text, 0, result.Tokens, null, retries, error.Code, error.Message);
            var end = result.End!;
            if (end.Canceled)
                return new BatchOutcome(line, run.TaskId, result.Text, end.TokensIn, end.TokensOut, end.StopReason, retries, "CANCELED", "the task was cancelled on the server");
            return new BatchOutcome(line, run.TaskId, result.Text, end.TokensIn, end.TokensOut, end.StopReason, retries, null, null);
        }
        catch (LlamaOrchApiException error)
        {
            return new BatchOutcome(line, run.TaskId, null, 0, 0, null, run.Submission?.BackpressureRetries ?? 0, error.Code, error.Error.Message);
        }
        catch (Exception error) when (error is TaskStreamInterruptedException or TimeoutException
                                      || (error is HttpRequestException && !cancellationToken.IsCancellationRequested))
        {
            return new BatchOutcome(line, run.TaskId, null, 0, 0, null, run.Submission?.BackpressureRetries ?? 0, "TRANSPORT", error.Message);
        }
    }
}

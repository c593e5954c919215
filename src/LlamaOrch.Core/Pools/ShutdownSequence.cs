using LlamaOrch.Contracts.Errors;
using LlamaOrch.Core.Admission;
using LlamaOrch.Core.Tasks;

namespace LlamaOrch.Core.Pools;

/// <summary>
/// Ends orchestratord's work so that every stream gets a final frame: admission closes (503), a reload still
/// waiting for its new replicas is called off (it rolls back and answers 409), queued tasks
/// end with WORKER_RESET at once, running tasks may finish within the grace, and whatever is unfinished
/// then ends with WORKER_RESET "shutting down", its engine request aborted; the sequence ends once the runs have unwound. Streams are not closed here:
/// each reader sends its task's last frame and then ends by itself.
/// </summary>
public sealed class ShutdownSequence
{
    /// <summary>How long the cut runs get to notice their abort and give their slots back: they only unwind.</summary>
    public static TimeSpan CutRunsAllowance { get; } = TimeSpan.FromSeconds(5);

    private readonly PoolRegistry _pools;
    private readonly TaskStore _tasks;
    private readonly AdmissionGate _gate;
    private readonly TaskRunner _runner;
    private readonly TimeProvider _time;

    internal ShutdownSequence(PoolRegistry pools, TaskStore tasks, AdmissionGate gate, TaskRunner runner, TimeProvider time)
    {
        _pools = pools;
        _tasks = tasks;
        _gate = gate;
        _runner = runner;
        _time = time;
    }

    /// <summary>Runs the sequence; returns how many queued tasks were ended and how many running ones were cut.</summary>
    public async Task<(int Queued, int Cut)> RunAsync(TimeSpan grace, CancellationToken cancellationToken)
    {
        var shuttingDown = new Rejection(
            ErrorCodes.PoolUnavailable, "orchestratord is shutting down; retry when it is back", Retriable: true, RetryAfterMs: 1000);
        _gate.Close(shuttingDown);

        var queued = 0;
        foreach (var pool in _pools.All)
        {
            // A reload would otherwise hold its request open until it loads or times out, past the host's stop.
            pool.RefuseReloads(shuttingDown);
            foreach (var task in pool.TakeQueued())
                if (task.TryFail(ShuttingDown("orchestratord is shutting down"))) queued++;
        }

        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            await Task.WhenAll(_pools.All.Select(pool => pool.WaitEmptyAsync(waiting.Token)))
                .WaitAsync(grace, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception timeUp) when (timeUp is TimeoutException or OperationCanceledException)
        {
            // The grace (or the host's own shutdown timeout) is over: what still runs is cut below.
        }
        finally
        {
            await waiting.CancelAsync().ConfigureAwait(false);
        }

        // Everything unfinished, wherever it is: also a task whose admission raced with the gate closing.
        var cut = _tasks.FailUnfinished(ShuttingDown(
            $"orchestratord is shutting down: the task did not finish within the shutdown grace of {grace.TotalSeconds:0} s"));

        // The runs own the engine requests: once they have unwound, stopping the engines interrupts nothing.
        try
        {
            await _runner.WhenRunsEndAsync().WaitAsync(CutRunsAllowance, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception timeUp) when (timeUp is TimeoutException or OperationCanceledException)
        {
            // A run stuck in an engine call that ignores its abort: the engine's stop ends it.
        }
        return (queued, cut);
    }

    private static ErrorEnvelope ShuttingDown(string message) => new(ErrorCodes.WorkerReset, message, Retriable: true);
}

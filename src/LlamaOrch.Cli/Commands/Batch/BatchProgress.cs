namespace LlamaOrch.Cli.Commands;

/// <summary>Running counts for the progress display; outcomes arrive from many tasks at once.</summary>
internal sealed class BatchProgress
{
    private int _done;
    private int _failed;
    private int _retried;

    public (int Done, int Failed, int Retried) Add(BatchOutcome outcome)
    {
        var done = outcome.Succeeded ? Interlocked.Increment(ref _done) : Volatile.Read(ref _done);
        var failed = outcome.Succeeded ? Volatile.Read(ref _failed) : Interlocked.Increment(ref _failed);
        var retried = outcome.Retries429 > 0 ? Interlocked.Increment(ref _retried) : Volatile.Read(ref _retried);
        return (done, failed, retried);
    }
}

namespace LlamaOrch.Bench.Processes;

/// <summary>Samples a process's VmRSS and thread count while a load runs and keeps the largest readings.</summary>
internal sealed class RssSampler(int pid, TimeSpan interval)
{
    public long MaxBytes { get; private set; }

    public long MaxThreads { get; private set; }

    public async Task RunAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(interval);
        do
        {
            if (ProcStats.ResidentBytes(pid) is { } bytes && bytes > MaxBytes) MaxBytes = bytes;
            if (ProcStats.Threads(pid) is { } threads && threads > MaxThreads) MaxThreads = threads;
        }
        while (await WaitAsync(timer, stop));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stop)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stop);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}

namespace LlamaOrch.Engines.Models;

/// <summary>
/// One download in flight that every concurrent resolve of the same file waits on. Each waiter brings its
/// own progress listener and its own cancellation: a waiter that gives up leaves, and the download is
/// cancelled only when the last waiter has left (its partial file stays for the next attempt).
/// Join and Leave are called under the store's lock; the listeners have their own, since progress is
/// reported from the download.
/// </summary>
internal sealed class SharedDownload : IProgress<ModelDownloadProgress>
{
    private readonly Lock _gate = new();
    private readonly List<IProgress<ModelDownloadProgress>> _listeners = [];
    private readonly CancellationTokenSource _cancel;
    private bool _finished;
    private int _waiters;

    /// <param name="run">The download itself, given this object to report progress through.</param>
    /// <param name="predecessor">An abandoned download of the same file that must let go of the partial
    /// file before this one opens it.</param>
    /// <param name="lifetime">Cancelled when the store is disposed.</param>
    public SharedDownload(
        Func<IProgress<ModelDownloadProgress>, CancellationToken, Task<DownloadedFile>> run,
        Task? predecessor,
        CancellationToken lifetime)
    {
        _cancel = CancellationTokenSource.CreateLinkedTokenSource(lifetime);
        Completion = Task.Run(() => RunAsync(run, predecessor));
    }

    public Task<DownloadedFile> Completion { get; }

    /// <summary>Every waiter left before it finished; a new resolve must start a new download.</summary>
    public bool Abandoned { get; private set; }

    public void Join(IProgress<ModelDownloadProgress>? listener)
    {
        _waiters++;
        if (listener is null) return;
        lock (_gate) _listeners.Add(listener);
    }

    public void Leave(IProgress<ModelDownloadProgress>? listener)
    {
        _waiters--;
        lock (_gate)
        {
            if (listener is not null) _listeners.Remove(listener);
            if (_waiters > 0 || _finished) return;
            Abandoned = true;
            _cancel.Cancel();
        }
    }

    public void Report(ModelDownloadProgress value)
    {
        IProgress<ModelDownloadProgress>[] listeners;
        lock (_gate) listeners = [.. _listeners];
        foreach (var listener in listeners) listener.Report(value);
    }

    private async Task<DownloadedFile> RunAsync(
        Func<IProgress<ModelDownloadProgress>, CancellationToken, Task<DownloadedFile>> run,
        Task? predecessor)
    {
        try
        {
            if (predecessor is not null) await predecessor.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            return await run(this, _cancel.Token).ConfigureAwait(false);
        }
        finally
        {
            lock (_gate)
            {
                _finished = true;
                _cancel.Dispose();
            }
        }
    }
}

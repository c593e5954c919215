namespace LlamaOrch.Core.Tasks;

/// <summary>
/// The readers an append or a pulse must wake: the log's reusable signal when its reader waited, and the shared
/// completion source of any further readers that waited at the same time. Taken under the task's lock, released
/// after or under it (both run their continuations on the thread pool).
/// </summary>
internal readonly struct LogWakeup(ReaderSignal? signal, TaskCompletionSource? others)
{
    public void Wake()
    {
        signal?.Release();
        others?.TrySetResult();
    }
}

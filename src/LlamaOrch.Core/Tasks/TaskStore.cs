using System.Collections.Concurrent;

namespace LlamaOrch.Core.Tasks;

/// <summary>
/// Every task that is queued, running, or finished within the retention window, by id. A finished task
/// stays readable (late readers replay its stream) until the retention passes, then it is forgotten.
/// </summary>
/// The retention is bounded in count too, so memory does not grow with throughput × retention.
public sealed class TaskStore(TimeSpan retention, int maxRetainedFinished, TimeProvider time)
{
    /// <summary>Keyed by the canonical task id: a uuid finds its task however its case or hyphens were written.</summary>
    private readonly ConcurrentDictionary<string, OrchestratedTask> _tasks = new(StringComparer.Ordinal);

    /// <summary>
    /// The finished tasks still held, in the order they finished (each task adds itself as it ends): the sweep forgets
    /// from the front, so it looks at the tasks it removes and one more, not at every task it holds.
    /// </summary>
    private readonly ConcurrentQueue<OrchestratedTask> _finished = new();

    public int Count => _tasks.Count;

    /// <summary>
    /// Holds the task under its id, so that a second task with the same id is refused, but lookups find it only once
    /// its pool took it (<see cref="OrchestratedTask.MarkAdmitted"/>): a stream reader that found a task whose admission
    /// was then refused (and the task removed) would wait for frames no one writes, on a task no pulse or shutdown reaches.
    /// </summary>
    public bool TryAdd(OrchestratedTask task)
    {
        task.StoredIn(this);
        return _tasks.TryAdd(CanonicalId(task.Id), task);
    }

    /// <summary>Called by <paramref name="task"/> as it finishes, under its lock.</summary>
    internal void Finished(OrchestratedTask task) => _finished.Enqueue(task);

    /// <summary>The admitted task with this id (queued, running, or finished within the retention).</summary>
    public bool TryGet(string id, out OrchestratedTask task) => _tasks.TryGetValue(CanonicalId(id), out task!) && task.IsAdmitted;

    /// <summary>Whether a task holds this id, admitted or still being admitted.</summary>
    internal bool Holds(string id) => _tasks.ContainsKey(CanonicalId(id));

    internal void Remove(OrchestratedTask task) => _tasks.TryRemove(new KeyValuePair<string, OrchestratedTask>(CanonicalId(task.Id), task));

    /// <summary>A uuid in its lower-case, hyphenated form; any other id lower-cased.</summary>
    /// An id already in that form is returned as it is: a store key and every lookup then cost no new string.
    public static string CanonicalId(string taskId)
    {
        if (!Guid.TryParse(taskId, out var uuid)) return taskId.ToLowerInvariant();
        Span<char> canonical = stackalloc char[36];
        uuid.TryFormat(canonical, out _, "D");
        return canonical.SequenceEqual(taskId) ? taskId : new string(canonical);
    }

    /// <summary>
    /// Forgets finished tasks whose retention has passed and the oldest finished ones beyond the count limit, oldest
    /// first; queued and running tasks are never forgotten. Returns how many were removed. One caller at a time (the
    /// hosted service's tick): it takes from the front of the finishing order. Tasks that finished at the same moment on
    /// two threads may be queued a few microseconds out of order; the later sweep catches such a one.
    /// </summary>
    public int SweepExpired()
    {
        var removed = 0;
        while (_finished.TryPeek(out var oldest)
               && (time.GetElapsedTime(oldest.FinishedTimestamp!.Value) >= retention || _finished.Count > maxRetainedFinished)
               && _finished.TryDequeue(out oldest))
        {
            Remove(oldest);
            removed++;
        }
        return removed;
    }

    /// <summary>Wakes stream readers that are waiting, so that they can send a keep-alive.</summary>
    public void PulseReaders()
    {
        foreach (var (_, task) in _tasks)
        {
            if (task.FinishedTimestamp is null) task.Log.Pulse();
        }
    }

    /// <summary>Ends every unfinished task with the given error frame and aborts its engine request (at shutdown); returns how many.</summary>
    public int FailUnfinished(LlamaOrch.Contracts.Errors.ErrorEnvelope error)
    {
        var failed = 0;
        foreach (var (_, task) in _tasks)
        {
            if (task.FailAndAbort(error)) failed++;
        }
        return failed;
    }
}

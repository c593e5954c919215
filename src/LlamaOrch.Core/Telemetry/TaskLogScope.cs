using System.Collections;

namespace LlamaOrch.Core.Telemetry;

/// <summary>
/// The logging scope of a request or a task's run: the correlation id, and the task, pool and replica once known.
/// A list of key/value pairs, so that the JSON console formatter writes each as its own field of the line's scope;
/// <see cref="ToString"/> is what the simple formatter prints. Only the known values are listed.
/// </summary>
public sealed class TaskLogScope : IReadOnlyList<KeyValuePair<string, object?>>
{
    private readonly KeyValuePair<string, object?>[] _pairs;

    public TaskLogScope(string correlationId, string? taskId = null, string? poolId = null, string? replicaId = null)
    {
        // Sized at once, with no list to copy from: every request opens one of these.
        _pairs = new KeyValuePair<string, object?>[1 + (taskId is null ? 0 : 1) + (poolId is null ? 0 : 1) + (replicaId is null ? 0 : 1)];
        var count = 0;
        _pairs[count++] = new("CorrelationId", correlationId);
        if (taskId is not null) _pairs[count++] = new("TaskId", taskId);
        if (poolId is not null) _pairs[count++] = new("PoolId", poolId);
        if (replicaId is not null) _pairs[count] = new("ReplicaId", replicaId);
    }

    public int Count => _pairs.Length;

    public KeyValuePair<string, object?> this[int index] => _pairs[index];

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, object?>>)_pairs).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>"CorrelationId:c1 TaskId:t1 PoolId:p ReplicaId:p-0".</summary>
    public override string ToString() => string.Join(' ', _pairs.Select(pair => $"{pair.Key}:{pair.Value}"));
}

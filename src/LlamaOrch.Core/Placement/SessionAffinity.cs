using System.Collections.Concurrent;

namespace LlamaOrch.Core.Placement;

/// <summary>
/// The replica each session last ran on, so its next turn can go back to the slot cache that already holds
/// its prompt prefix. Bounded: past <see cref="Capacity"/> sessions the map is cleared, which costs only warmth.
/// </summary>
internal sealed class SessionAffinity(int capacity = 65_536)
{
    private readonly ConcurrentDictionary<string, string> _lastReplica = new(StringComparer.Ordinal);

    public int Capacity { get; } = capacity;

    public string? ReplicaOf(string sessionId) => _lastReplica.GetValueOrDefault(sessionId);

    public void Remember(string sessionId, string replicaId)
    {
        if (_lastReplica.Count >= Capacity && !_lastReplica.ContainsKey(sessionId)) _lastReplica.Clear();
        _lastReplica[sessionId] = replicaId;
    }
}

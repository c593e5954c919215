namespace LlamaOrch.Core.Scheduling;

/// <summary>
/// The queued items that have a deadline, soonest first, by their queue handles: finding the overdue ones costs
/// O(log n) per item taken and nothing while none is due, however long the queue (the housekeeping tick asks every
/// 50 ms, under the pool's lock). An item that leaves the queue another way (dispatched, cancelled, evicted) is not
/// looked for: its handle is detached from its list, and the entry is dropped when it reaches the top or when the
/// index is compacted, which it is once it holds more than twice the queue's items (so its size stays O(queue)).
/// Not thread-safe: its queue's owner guards it.
/// </summary>
internal sealed class DeadlineIndex<T>
{
    /// <summary>Entries beyond twice the queue's length that may go stale before a compaction: small queues never compact.</summary>
    private const int Slack = 64;

    private readonly PriorityQueue<LinkedListNode<T>, long> _byDeadline = new();

    /// <summary>Entries held, stale ones included.</summary>
    public int Count => _byDeadline.Count;

    /// <summary>Notes a queued item's deadline (a timestamp); <paramref name="queued"/> is how many items the queue holds now.</summary>
    public void Add(LinkedListNode<T> node, long deadline, int queued)
    {
        _byDeadline.Enqueue(node, deadline);
        if (_byDeadline.Count > 2 * queued + Slack) Compact();
    }

    /// <summary>Adds to <paramref name="due"/> the handles still queued whose deadline is at or before <paramref name="now"/>, soonest first; the caller takes them out of the queue.</summary>
    public void TakeDue(long now, List<LinkedListNode<T>> due)
    {
        while (_byDeadline.TryPeek(out var node, out var deadline) && deadline <= now)
        {
            _byDeadline.Dequeue();
            if (node.List is not null) due.Add(node);
        }
    }

    public void Clear() => _byDeadline.Clear();

    /// <summary>Drops the entries of items that left the queue: O(n), once per n additions at most.</summary>
    private void Compact()
    {
        var live = new List<(LinkedListNode<T>, long)>(_byDeadline.Count / 2);
        foreach (var (node, deadline) in _byDeadline.UnorderedItems)
            if (node.List is not null) live.Add((node, deadline));
        _byDeadline.Clear();
        _byDeadline.EnqueueRange(live);
    }
}

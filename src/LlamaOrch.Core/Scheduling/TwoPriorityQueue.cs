using LlamaOrch.Core.Tasks;

namespace LlamaOrch.Core.Scheduling;

/// <summary>
/// A bounded queue with two priorities: interactive is always dequeued before batch, FIFO within each.
/// Not thread-safe: its pool serialises access under the pool's own lock.
/// </summary>
internal sealed class TwoPriorityQueue<T>
{
    private readonly LinkedList<T> _interactive = new();
    private readonly LinkedList<T> _batch = new();

    public TwoPriorityQueue(int capacity, FullPolicy policy)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        Capacity = capacity;
        Policy = policy;
    }

    public int Capacity { get; }

    public FullPolicy Policy { get; }

    public int Count => _interactive.Count + _batch.Count;

    /// <summary>How many queued tasks would be dispatched before a newcomer of this priority.</summary>
    public int AheadOf(Priority priority) =>
        priority == Priority.Interactive ? _interactive.Count : _interactive.Count + _batch.Count;

    /// <summary>
    /// Adds the item at the tail of its priority. When the queue is full, the policy decides: under
    /// <see cref="FullPolicy.DropLru"/> the evicted item is returned through <paramref name="evicted"/>.
    /// </summary>
    public EnqueueResult<T> TryEnqueue(T item, Priority priority)
    {
        T? evicted = default;
        var hasEvicted = false;
        if (Count >= Capacity)
        {
            if (Policy == FullPolicy.Reject) return EnqueueResult<T>.Refused;
            var victims = _batch.Count > 0 ? _batch : priority == Priority.Interactive ? _interactive : null;
            if (victims is null || victims.First is null) return EnqueueResult<T>.Refused;
            evicted = victims.First.Value;
            hasEvicted = true;
            victims.RemoveFirst();
        }

        var list = ListOf(priority);
        var position = list.Count;
        var node = list.AddLast(item);
        return new EnqueueResult<T>(true, node, position, hasEvicted, evicted);
    }

    /// <summary>Adds the item ahead of every other of its priority, whatever the capacity (a task given back by a hung replica).</summary>
    public LinkedListNode<T> EnqueueFirst(T item, Priority priority) => ListOf(priority).AddFirst(item);

    /// <summary>The first item in dispatch order that <paramref name="canRun"/> accepts, or null; it stays queued.</summary>
    public LinkedListNode<T>? FirstMatching(Func<T, bool> canRun)
    {
        for (var node = _interactive.First; node is not null; node = node.Next)
            if (canRun(node.Value)) return node;
        for (var node = _batch.First; node is not null; node = node.Next)
            if (canRun(node.Value)) return node;
        return null;
    }

    /// <summary>Every queued item in dispatch order, with its 0-based place within its priority and how many items are ahead of it in all.</summary>
    public IEnumerable<(T Item, int Position, int Ahead)> InDispatchOrder()
    {
        var ahead = 0;
        foreach (var list in new[] { _interactive, _batch })
        {
            var position = 0;
            for (var node = list.First; node is not null; node = node.Next) yield return (node.Value, position++, ahead++);
        }
    }

    /// <summary>Removes a queued item by its handle; false when it already left the queue.</summary>
    public bool Remove(LinkedListNode<T> node)
    {
        if (node.List is not { } list || (list != _interactive && list != _batch)) return false;
        list.Remove(node);
        return true;
    }

    /// <summary>Removes and returns every queued item matching the predicate (used for deadline expiry).</summary>
    public List<T> RemoveWhere(Func<T, bool> predicate)
    {
        var removed = new List<T>();
        foreach (var list in new[] { _interactive, _batch })
        {
            for (var node = list.First; node is not null;)
            {
                var next = node.Next;
                if (predicate(node.Value))
                {
                    removed.Add(node.Value);
                    list.Remove(node);
                }
                node = next;
            }
        }
        return removed;
    }

    private LinkedList<T> ListOf(Priority priority) => priority == Priority.Interactive ? _interactive : _batch;
}

internal readonly record struct EnqueueResult<T>(
    bool Accepted,
    LinkedListNode<T>? Node,
    int Position,
    bool HasEvicted,
    T? Evicted)
{
    public static EnqueueResult<T> Refused => default;
}

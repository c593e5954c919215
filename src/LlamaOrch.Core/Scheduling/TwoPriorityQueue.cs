using LlamaOrch.Core.Tasks;

namespace LlamaOrch.Core.Scheduling;

/// <summary>
/// A bounded queue with two priorities: interactive is always dequeued before batch, FIFO within each. Adding,
/// removing by handle and counting are O(1); items with a deadline are also indexed by it (<see cref="DeadlineIndex{T}"/>),
/// so that <see cref="RemoveDue"/> costs nothing while none is due. A dispatch pass walks it once with
/// <see cref="First"/> and <see cref="NextInDispatchOrder"/>, taking what it can run as it goes.
/// Not thread-safe: its pool serialises access under the pool's own lock.
/// </summary>
internal sealed class TwoPriorityQueue<T>
{
    private readonly LinkedList<T> _interactive = new();
    private readonly LinkedList<T> _batch = new();
    private readonly DeadlineIndex<T> _deadlines = new();

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
    /// <see cref="FullPolicy.DropLru"/> the evicted item is returned in the result.
    /// </summary>
    /// <param name="deadline">A timestamp after which <see cref="RemoveDue"/> takes the item out; null for none.</param>
    public EnqueueResult<T> TryEnqueue(T item, Priority priority, long? deadline = null)
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
        if (deadline is { } due) _deadlines.Add(node, due, Count);
        return new EnqueueResult<T>(true, node, position, hasEvicted, evicted);
    }

    /// <summary>Adds the item ahead of every other of its priority, whatever the capacity (a task given back by a hung replica).</summary>
    public LinkedListNode<T> EnqueueFirst(T item, Priority priority, long? deadline = null)
    {
        var node = ListOf(priority).AddFirst(item);
        if (deadline is { } due) _deadlines.Add(node, due, Count);
        return node;
    }

    /// <summary>The first item in dispatch order; null when the queue is empty.</summary>
    public LinkedListNode<T>? First => _interactive.First ?? _batch.First;

    /// <summary>
    /// The item after <paramref name="node"/> in dispatch order (the last interactive is followed by the first batch);
    /// null after the last. Read it before removing <paramref name="node"/>: a removed handle has no successor.
    /// </summary>
    public LinkedListNode<T>? NextInDispatchOrder(LinkedListNode<T> node) =>
        node.Next ?? (node.List == _interactive ? _batch.First : null);

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

    /// <summary>Removes and returns the items whose deadline is at or before <paramref name="now"/>, soonest deadline first.</summary>
    public List<T> RemoveDue(long now)
    {
        var due = new List<LinkedListNode<T>>();
        _deadlines.TakeDue(now, due);
        var removed = new List<T>(due.Count);
        foreach (var node in due)
        {
            removed.Add(node.Value);
            node.List!.Remove(node);
        }
        return removed;
    }

    /// <summary>Removes and returns every queued item matching the predicate.</summary>
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
        if (Count == 0) _deadlines.Clear();
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

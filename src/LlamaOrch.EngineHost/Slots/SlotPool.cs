namespace LlamaOrch.EngineHost.Slots;

/// <summary>
/// Hands out slots to completions. When none fits, the completion waits in a FIFO (llama-server's deferred
/// queue) and a released slot passes straight to the first waiter that accepts it, so it is never seen free in
/// between. The lock is taken once per completion, never per token.
/// </summary>
internal sealed class SlotPool
{
    public const int AnySlot = -1;

    private readonly Slot[] _slots;
    private readonly Lock _gate = new();
    private readonly LinkedList<SlotWaiter> _waiters = new();

    public SlotPool(int count, int contextSize)
    {
        _slots = new Slot[count];
        for (var i = 0; i < count; i++)
        {
            _slots[i] = new Slot(i, contextSize);
        }
    }

    public IReadOnlyList<Slot> Slots => _slots;

    public int ContextSize => _slots[0].ContextSize;

    public int DeferredCount
    {
        get
        {
            lock (_gate)
            {
                return _waiters.Count;
            }
        }
    }

    public int ProcessingCount
    {
        get
        {
            var count = 0;
            foreach (var slot in _slots)
            {
                count += slot.IsProcessing ? 1 : 0;
            }

            return count;
        }
    }

    /// <summary>
    /// Takes slot <paramref name="requestedSlot"/>, or any free one for <see cref="AnySlot"/>, waiting while none
    /// fits. Returns null if <paramref name="cancellationToken"/> fires first. The caller must release the slot.
    /// </summary>
    public ValueTask<Slot?> AcquireAsync(int requestedSlot, CancellationToken cancellationToken)
    {
        LinkedListNode<SlotWaiter> node;
        lock (_gate)
        {
            var free = FindFree(requestedSlot);
            if (free is not null)
            {
                free.IsProcessing = true;
                return ValueTask.FromResult<Slot?>(free);
            }

            node = _waiters.AddLast(new SlotWaiter(requestedSlot));
        }

        return WaitAsync(node, cancellationToken);
    }

    public void Release(Slot slot)
    {
        lock (_gate)
        {
            for (var node = _waiters.First; node is not null; node = node.Next)
            {
                if (node.Value.Accepts(slot))
                {
                    _waiters.Remove(node);
                    node.Value.Handover.SetResult(slot);
                    return;
                }
            }

            slot.IsProcessing = false;
        }
    }

    private async ValueTask<Slot?> WaitAsync(LinkedListNode<SlotWaiter> node, CancellationToken cancellationToken)
    {
        await using var registration = cancellationToken.Register(() => Abandon(node));
        return await node.Value.Handover.Task.ConfigureAwait(false);
    }

    private void Abandon(LinkedListNode<SlotWaiter> node)
    {
        lock (_gate)
        {
            // A node already taken off the list has been handed a slot, which its owner releases as usual.
            if (node.List is null)
            {
                return;
            }

            _waiters.Remove(node);
        }

        node.Value.Handover.SetResult(null);
    }

    private Slot? FindFree(int requestedSlot)
    {
        if (requestedSlot != AnySlot)
        {
            var slot = _slots[requestedSlot];
            return slot.IsProcessing ? null : slot;
        }

        foreach (var slot in _slots)
        {
            if (!slot.IsProcessing)
            {
                return slot;
            }
        }

        return null;
    }
}

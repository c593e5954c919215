using LlamaOrch.Contracts.Control;

namespace LlamaOrch.Client;

/// <summary>
/// How many tasks a client keeps in flight: starts from the capacity the server reports and adapts to its
/// backpressure by AIMD. Each task that ends without a 429 adds <c>1/limit</c> (one place per round of tasks); a 429
/// halves the limit, at most once per round (a 429 of a task that started before the last cut does not cut again,
/// since it was sent at the old limit). The limit stays within <see cref="Minimum"/> and <see cref="Maximum"/>.
/// Thread-safe.
/// </summary>
public sealed class ConcurrencyGate
{
    private readonly object _lock = new();
    private readonly LinkedList<TaskCompletionSource<ConcurrencyLease>> _waiters = new();
    private double _limit;
    private long _round;

    /// <summary>A gate with an explicit starting limit and bounds.</summary>
    /// <param name="initialLimit">Places at the start.</param>
    /// <param name="minimum">The fewest places it ever cuts to (at least 1).</param>
    /// <param name="maximum">The most it ever grows to: beyond the server's slots and queue every extra task is a 429.</param>
    public ConcurrencyGate(int initialLimit, int minimum = 1, int maximum = int.MaxValue)
    {
        if (minimum < 1) throw new ArgumentOutOfRangeException(nameof(minimum), minimum, "at least 1");
        if (maximum < minimum) throw new ArgumentOutOfRangeException(nameof(maximum), maximum, $"at least the minimum ({minimum})");
        Minimum = minimum;
        Maximum = maximum;
        _limit = Math.Clamp(initialLimit, minimum, maximum);
    }

    /// <summary>The fewest places.</summary>
    public int Minimum { get; }

    /// <summary>The most places.</summary>
    public int Maximum { get; }

    /// <summary>Tasks that may be in flight now (the whole part of the AIMD limit).</summary>
    public int Limit
    {
        get
        {
            lock (_lock) return (int)_limit;
        }
    }

    /// <summary>Tasks holding a place now.</summary>
    public int InFlight { get; private set; }

    /// <summary>How many 429s cut the limit so far.</summary>
    public int Decreases { get; private set; }

    /// <summary>How many 429s were reported so far (cutting or not).</summary>
    public int Backpressures { get; private set; }

    /// <summary>
    /// A gate sized from the server: it starts at the slots of the ready replicas serving <paramref name="modelRef"/>
    /// (<c>/v1/replicasets</c>; the pools' slots from <c>/v1/capabilities</c> while none is ready) and may grow to those
    /// slots plus the pools' queue capacity, the most the server admits without a 429.
    /// </summary>
    /// <param name="client">The client to ask.</param>
    /// <param name="modelRef">The model the tasks will use; null for every pool.</param>
    /// <param name="cancellationToken">Cancels the two calls.</param>
    public static async Task<ConcurrencyGate> CreateAsync(LlamaOrchClient client, string? modelRef = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        var capabilities = (await client.GetCapabilitiesAsync(cancellationToken)).Value;
        var replicas = (await client.GetReplicaSetsAsync(cancellationToken)).Value;
        var (initial, maximum) = Derive(capabilities, replicas, modelRef);
        return new ConcurrencyGate(initial, 1, maximum);
    }

    /// <summary>The starting limit and the maximum, from what the server reports (see <see cref="CreateAsync"/>).</summary>
    public static (int Initial, int Maximum) Derive(CapabilitiesResponse capabilities, IReadOnlyList<ReplicaSetEntry> replicas, string? modelRef)
    {
        ArgumentNullException.ThrowIfNull(capabilities);
        ArgumentNullException.ThrowIfNull(replicas);
        var pools = capabilities.Engines.Where(e => modelRef is null || e.Model == modelRef).ToList();
        if (pools.Count == 0) pools = [.. capabilities.Engines];
        var poolIds = pools.Select(p => p.PoolId).ToHashSet(StringComparer.Ordinal);
        var readySlots = replicas.Where(r => poolIds.Contains(r.PoolId) && r.State == "ready").Sum(r => r.SlotsTotal);
        var slots = readySlots > 0 ? readySlots : pools.Sum(p => p.Slots);
        var initial = Math.Max(1, slots);
        var maximum = Math.Max(initial, pools.Sum(p => p.Slots + p.RateLimits.QueueCapacity));
        return (initial, maximum);
    }

    /// <summary>Waits for a place; dispose the lease to give it back.</summary>
    public ValueTask<ConcurrencyLease> AcquireAsync(CancellationToken cancellationToken = default)
    {
        TaskCompletionSource<ConcurrencyLease> waiter;
        LinkedListNode<TaskCompletionSource<ConcurrencyLease>> node;
        lock (_lock)
        {
            if (_waiters.Count == 0 && InFlight < (int)_limit)
            {
                InFlight++;
                return ValueTask.FromResult(new ConcurrencyLease(this, _round));
            }
            waiter = new TaskCompletionSource<ConcurrencyLease>(TaskCreationOptions.RunContinuationsAsynchronously);
            node = _waiters.AddLast(waiter);
        }
        return new ValueTask<ConcurrencyLease>(WaitAsync(waiter, node, cancellationToken));
    }

    private async Task<ConcurrencyLease> WaitAsync(
        TaskCompletionSource<ConcurrencyLease> waiter, LinkedListNode<TaskCompletionSource<ConcurrencyLease>> node, CancellationToken cancellationToken)
    {
        await using var registration = cancellationToken.Register(() =>
        {
            lock (_lock)
            {
                if (node.List is null) return; // already granted
                _waiters.Remove(node);
            }
            waiter.TrySetCanceled(cancellationToken);
        });
        return await waiter.Task;
    }

    /// <summary>A task of this gate ended without backpressure: additive increase.</summary>
    internal void Succeeded()
    {
        lock (_lock)
        {
            _limit = Math.Min(Maximum, _limit + 1.0 / _limit);
            GrantLocked();
        }
    }

    /// <summary>A task of this gate got a 429: multiplicative decrease, once per round.</summary>
    internal void PushedBack(long leaseRound)
    {
        lock (_lock)
        {
            Backpressures++;
            if (leaseRound != _round) return;
            _limit = Math.Max(Minimum, _limit / 2);
            _round++;
            Decreases++;
        }
    }

    internal void Release()
    {
        lock (_lock)
        {
            InFlight--;
            GrantLocked();
        }
    }

    private void GrantLocked()
    {
        while (_waiters.First is { } first && InFlight < (int)_limit)
        {
            _waiters.RemoveFirst();
            InFlight++;
            // Continuations run asynchronously, so granting under the lock runs no caller code here.
            if (!first.Value.TrySetResult(new ConcurrencyLease(this, _round))) InFlight--;
        }
    }
}

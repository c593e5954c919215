namespace LlamaOrch.Core.Pools;

/// <summary>
/// Lets callers wait until a condition over a pool's state holds: a waiter checks the condition under the
/// pool's lock and sleeps on a pulse that the next change completes. Costs nothing while nobody waits,
/// which is the usual case: <see cref="Signal"/> is then one interlocked exchange with null.
/// </summary>
internal sealed class ChangeSignal
{
    /// <summary>Created by the first waiter and completed by the next change; null while nobody waits.</summary>
    private TaskCompletionSource? _changed;

    /// <summary>Completes once <paramref name="condition"/>, checked under <paramref name="gate"/>, holds.</summary>
    public async Task WaitUntilAsync(object gate, Func<bool> condition, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task changed;
            lock (gate)
            {
                if (condition()) return;
                if (Volatile.Read(ref _changed) is not { } pulse)
                {
                    pulse = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    pulse = Interlocked.CompareExchange(ref _changed, pulse, null) ?? pulse;
                }
                changed = pulse.Task;
            }
            await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Wakes every waiter to look again.</summary>
    public void Signal() => Interlocked.Exchange(ref _changed, null)?.TrySetResult();
}

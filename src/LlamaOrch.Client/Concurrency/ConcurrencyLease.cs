namespace LlamaOrch.Client;

/// <summary>One place in a <see cref="ConcurrencyGate"/>; dispose it when the task has ended.</summary>
public sealed class ConcurrencyLease : IDisposable
{
    private readonly ConcurrencyGate _gate;
    private readonly long _round;
    private int _state; // 0 held, 1 released

    internal ConcurrencyLease(ConcurrencyGate gate, long round)
    {
        _gate = gate;
        _round = round;
    }

    /// <summary>The task got a 429: the gate halves its limit (once per round).</summary>
    public void ReportBackpressure() => _gate.PushedBack(_round);

    /// <summary>The task ended without backpressure: the gate grows its limit a little.</summary>
    public void ReportSuccess() => _gate.Succeeded();

    /// <summary>Gives the place back (once; later calls do nothing).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _state, 1) == 0) _gate.Release();
    }
}

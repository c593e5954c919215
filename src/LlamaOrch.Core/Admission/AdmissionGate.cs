namespace LlamaOrch.Core.Admission;

/// <summary>
/// Whether new tasks are admitted at all: open until orchestratord begins to shut down, then every new task
/// gets the refusal the gate was closed with. Thread-safe; closing twice keeps the first refusal. Public for
/// readiness, which fails once the gate is closed.
/// </summary>
public sealed class AdmissionGate
{
    private Rejection? _closed;

    /// <summary>Null while open.</summary>
    public Rejection? Refusal => Volatile.Read(ref _closed);

    internal void Close(Rejection refusal) => Interlocked.CompareExchange(ref _closed, refusal, null);
}

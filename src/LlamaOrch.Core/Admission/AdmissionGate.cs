namespace LlamaOrch.Core.Admission;

/// <summary>
/// Whether new tasks are admitted at all: open until orchestratord begins to shut down, then every new task
/// gets the refusal the gate was closed with. Thread-safe; closing twice keeps the first refusal.
/// </summary>
internal sealed class AdmissionGate
{
    private Rejection? _closed;

    /// <summary>Null while open.</summary>
    public Rejection? Refusal => Volatile.Read(ref _closed);

    public void Close(Rejection refusal) => Interlocked.CompareExchange(ref _closed, refusal, null);
}

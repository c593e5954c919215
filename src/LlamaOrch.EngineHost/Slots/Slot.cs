namespace LlamaOrch.EngineHost.Slots;

/// <summary>
/// One unit of concurrency: at most one completion runs in a slot at a time. Its counters have a single writer
/// (the completion that holds the slot) and are read by <c>/slots</c> and <c>/metrics</c>, so they are kept per
/// slot instead of in shared counters that every token of every stream would contend on.
/// </summary>
internal sealed class Slot(int id, int contextSize)
{
    private volatile bool _isProcessing;
    private int _decoded;
    private long _promptTokensTotal;
    private long _tokensPredictedTotal;

    public int Id { get; } = id;

    /// <summary>Tokens of context: prompt plus prediction.</summary>
    public int ContextSize { get; } = contextSize;

    /// <summary>Set only by <see cref="SlotPool"/> under its lock.</summary>
    public bool IsProcessing
    {
        get => _isProcessing;
        set => _isProcessing = value;
    }

    /// <summary>Tokens predicted by the current completion, or the last one once the slot is idle.</summary>
    public int Decoded => Volatile.Read(ref _decoded);

    public long PromptTokensTotal => Volatile.Read(ref _promptTokensTotal);

    public long TokensPredictedTotal => Volatile.Read(ref _tokensPredictedTotal);

    public void BeginCompletion(int promptTokens)
    {
        Volatile.Write(ref _decoded, 0);
        Volatile.Write(ref _promptTokensTotal, _promptTokensTotal + promptTokens);
    }

    public void CountPredictedToken()
    {
        Volatile.Write(ref _decoded, _decoded + 1);
        Volatile.Write(ref _tokensPredictedTotal, _tokensPredictedTotal + 1);
    }
}

namespace LlamaOrch.Core.Tasks;

/// <summary>
/// One event of a task's log as a door's encoder sees it: a token's text is a span of the log's own UTF-8
/// buffer, valid only for the call it is passed to, so handing a token to a door copies nothing.
/// </summary>
public readonly ref struct TaskEventView(TaskEventKind kind, ReadOnlySpan<byte> tokenUtf8, int tokenIndex, object? payload)
{
    public TaskEventKind Kind { get; } = kind;

    /// <summary>The token's text as UTF-8; empty for every other kind.</summary>
    public ReadOnlySpan<byte> TokenUtf8 { get; } = tokenUtf8;

    /// <summary>The token's index in the task, from 0; 0 for every other kind.</summary>
    public int TokenIndex { get; } = tokenIndex;

    /// <summary>The contract record of a non-token event (see <see cref="TaskEventKind"/>); null for a token.</summary>
    public object? Payload { get; } = payload;
}

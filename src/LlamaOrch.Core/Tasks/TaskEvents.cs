using LlamaOrch.Contracts.Errors;
using LlamaOrch.Contracts.Tasks;

namespace LlamaOrch.Core.Tasks;

// The kinds of TaskEvent, in stream order. Their payloads are the task contract's records because those are
// the facts every door needs; how a door names and frames them is the door's own business.

/// <summary>The task started on a replica; the first event of every stream that runs.</summary>
public sealed class StartedEvent(StartedFrame frame) : TaskEvent
{
    public StartedFrame Frame { get; } = frame;
}

/// <summary>A piece of generated text; <see cref="Index"/> counts the task's tokens from 0.</summary>
public sealed class TokenEvent(string text, int index) : TaskEvent
{
    public string Text { get; } = text;

    public int Index { get; } = index;
}

/// <summary>Periodic progress, and the note that a task was requeued.</summary>
public sealed class MetricsEvent(MetricsFrame frame) : TaskEvent
{
    public MetricsFrame Frame { get; } = frame;
}

/// <summary>The vector of one input of an embedding task.</summary>
public sealed class EmbeddingEvent(EmbeddingFrame frame) : TaskEvent
{
    public EmbeddingFrame Frame { get; } = frame;
}

/// <summary>The relevance of one input of a rerank task.</summary>
public sealed class ScoreEvent(ScoreFrame frame) : TaskEvent
{
    public ScoreFrame Frame { get; } = frame;
}

/// <summary>The last event of a task that was not failed (completed or canceled).</summary>
public sealed class EndEvent(EndFrame frame) : TaskEvent
{
    public EndFrame Frame { get; } = frame;
}

/// <summary>The last event of a failed task.</summary>
public sealed class ErrorEvent(ErrorEnvelope error) : TaskEvent
{
    public ErrorEnvelope Error { get; } = error;
}

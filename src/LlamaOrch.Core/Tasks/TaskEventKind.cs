namespace LlamaOrch.Core.Tasks;

/// <summary>
/// The kinds of a task's events, in stream order. Every kind but <see cref="Token"/> carries the task
/// contract's record as its payload (the facts every door needs); how a door names and frames them is the
/// door's own business.
/// </summary>
public enum TaskEventKind : byte
{
    /// <summary>The task started on a replica (a <c>StartedFrame</c>); the first event of every stream that runs.</summary>
    Started,

    /// <summary>A piece of generated text, as UTF-8, with the task's token index counted from 0.</summary>
    Token,

    /// <summary>Periodic progress, and the note that a task was requeued (a <c>MetricsFrame</c>).</summary>
    Metrics,

    /// <summary>The vector of one input of an embedding task (an <c>EmbeddingFrame</c>).</summary>
    Embedding,

    /// <summary>The relevance of one input of a rerank task (a <c>ScoreFrame</c>).</summary>
    Score,

    /// <summary>The last event of a task that was not failed, completed or canceled (an <c>EndFrame</c>).</summary>
    End,

    /// <summary>The last event of a failed task (an <c>ErrorEnvelope</c>).</summary>
    Error,
}

using LlamaOrch.Contracts.Errors;
using LlamaOrch.Contracts.Tasks;

namespace LlamaOrch.Client;

/// <summary>
/// One frame of a task's stream, typed: match on <see cref="Started"/>, <see cref="Token"/>, <see cref="Metrics"/>,
/// <see cref="Embedding"/>, <see cref="Score"/>, <see cref="End"/> or <see cref="Error"/>. A stream ends with exactly one
/// <see cref="End"/> or <see cref="Error"/>.
/// </summary>
public abstract record TaskEvent
{
    private protected TaskEvent()
    {
    }

    /// <summary>True for the last frame of a task: <see cref="End"/> or <see cref="Error"/>.</summary>
    public bool IsTerminal => this is End or Error;

    /// <summary><c>started</c>: the task left the queue and runs on a replica.</summary>
    public sealed record Started(StartedFrame Frame) : TaskEvent;

    /// <summary><c>token</c>: a piece of generated text; <see cref="Index"/> counts 0, 1, 2, … without gaps.</summary>
    public sealed record Token(TokenFrame Frame) : TaskEvent
    {
        /// <summary>The text of the token.</summary>
        public string Text => Frame.T;

        /// <summary>The 0-based index of the token.</summary>
        public int Index => Frame.I;
    }

    /// <summary><c>metrics</c>: progress while queued (place, predicted start) or running (tokens, rate).</summary>
    public sealed record Metrics(MetricsFrame Frame) : TaskEvent;

    /// <summary><c>embedding</c>: the vector of input <c>i</c> of an embedding task.</summary>
    public sealed record Embedding(EmbeddingFrame Frame) : TaskEvent;

    /// <summary><c>score</c>: the relevance of input <c>i</c> of a rerank task.</summary>
    public sealed record Score(ScoreFrame Frame) : TaskEvent;

    /// <summary><c>end</c>: the task completed, hit its deadline or was cancelled.</summary>
    public sealed record End(EndFrame Frame) : TaskEvent;

    /// <summary><c>error</c>: the task failed; the envelope says why (the output so far is incomplete).</summary>
    public sealed record Error(ErrorEnvelope Frame) : TaskEvent;
}

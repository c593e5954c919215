using LlamaOrch.Contracts.Errors;
using LlamaOrch.Contracts.Tasks;

namespace LlamaOrch.Client;

/// <summary>A whole task run, read to its last frame (see <see cref="TaskRun.CollectAsync"/>).</summary>
/// <param name="TaskId">The task.</param>
/// <param name="Text">The tokens' text, in order.</param>
/// <param name="Tokens">How many token frames there were.</param>
/// <param name="Started">The <c>started</c> frame; null for a task that never left the queue.</param>
/// <param name="End">The <c>end</c> frame, or null when the task failed.</param>
/// <param name="Error">The <c>error</c> frame's envelope, or null when the task ended.</param>
/// <param name="Embeddings">The <c>embedding</c> frames of an embedding task, by input.</param>
/// <param name="Scores">The <c>score</c> frames of a rerank task, by input.</param>
public sealed record TaskResult(
    string TaskId, string Text, int Tokens, StartedFrame? Started, EndFrame? End, ErrorEnvelope? Error,
    IReadOnlyList<EmbeddingFrame> Embeddings, IReadOnlyList<ScoreFrame> Scores)
{
    /// <summary>True when the task ended without an error and was not cancelled.</summary>
    public bool Succeeded => End is { Canceled: false } && Error is null;
}

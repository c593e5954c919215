namespace LlamaOrch.Core.Chat;

/// <summary>
/// Splits a model's streamed output into text and tool calls in one template family's format. Text that may still
/// become a tool call is held back until it is clear; everything else passes at once. One instance per completion.
/// </summary>
public sealed class ToolCallStreamParser(ToolCallFormat format)
{
    public ToolCallFormat Format { get; } = format;

    /// <summary>Feeds the next piece of output; appends what can be said of it now to <paramref name="output"/>.</summary>
    public void Push(string text, List<ChatDelta> output) => throw new NotImplementedException("chat-grammar");

    /// <summary>The output has ended: flushes what was held back (an unfinished call becomes text).</summary>
    public void Finish(List<ChatDelta> output) => throw new NotImplementedException("chat-grammar");
}

/// <summary>A piece of the answer: text, or (part of) a tool call.</summary>
public readonly record struct ChatDelta(string? Content, ChatToolCallDelta? ToolCall);

/// <param name="Index">The call's position in the answer, from 0.</param>
/// <param name="Id">Set on a call's first delta (generated, <c>call_…</c>).</param>
/// <param name="Name">Set on a call's first delta.</param>
/// <param name="ArgumentsFragment">The next piece of the arguments' JSON text.</param>
public sealed record ChatToolCallDelta(int Index, string? Id, string? Name, string? ArgumentsFragment);

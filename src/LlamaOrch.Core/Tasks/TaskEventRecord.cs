namespace LlamaOrch.Core.Tasks;

/// <summary>
/// A copy of one event of a task's log for in-process readers (the OpenAI and Anthropic doors, tests), who want objects and not
/// a door's bytes. The relay never makes these.
/// </summary>
public sealed record TaskEventRecord(TaskEventKind Kind, string? Text, int TokenIndex, object? Payload);

namespace LlamaOrch.Core.Tasks;

/// <summary>
/// A copy of one event of a task's log for in-process readers (tests, diagnostics), who want objects and not
/// a door's bytes. The relay never makes these.
/// </summary>
internal sealed record TaskEventRecord(TaskEventKind Kind, string? Text, int TokenIndex, object? Payload);

using LlamaOrch.Contracts.Tasks;

namespace LlamaOrch.Cli.Commands;

/// <summary>
/// One input line of <c>llorch batch</c>: its 1-based line number, the caller's <c>id</c> as raw JSON (echoed back
/// as it came, string or number), and either the task to run or why the line cannot be one.
/// </summary>
internal sealed record BatchLine(int Number, string? IdJson, TaskRequestBody? Task, string? Invalid);

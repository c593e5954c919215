namespace LlamaOrch.Cli.Commands;

/// <summary>
/// What became of one input line: the task's text and counts, or an error (<c>code</c> <c>INVALID_LINE</c> for a
/// line that was never sent, else the server's code).
/// </summary>
internal sealed record BatchOutcome(
    BatchLine Line, string? TaskId, string? Text, int TokensIn, int TokensOut, string? StopReason, int Retries429,
    string? ErrorCode, string? ErrorMessage)
{
    public const string InvalidLine = "INVALID_LINE";

    public bool Succeeded => ErrorCode is null;

    public static BatchOutcome Invalid(BatchLine line) => new(line, null, null, 0, 0, null, 0, InvalidLine, line.Invalid);
}

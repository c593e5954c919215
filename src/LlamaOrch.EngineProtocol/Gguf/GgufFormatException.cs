namespace LlamaOrch.EngineProtocol.Gguf;

/// <summary>
/// A file is not a GGUF file we can read: wrong magic, unsupported version, truncated, or with counts and lengths
/// that cannot be true. The message names the problem and the byte offset where it was found, so an operator can
/// tell a half-downloaded file from a different format.
/// </summary>
internal sealed class GgufFormatException : Exception
{
    public GgufFormatException(string problem, long offset, string? filePath = null, Exception? inner = null)
        : base(Compose(problem, offset, filePath), inner)
    {
        Problem = problem;
        Offset = offset;
        FilePath = filePath;
    }

    /// <summary>What is wrong, without the offset and path.</summary>
    public string Problem { get; }

    /// <summary>The byte offset in the file where the problem was found.</summary>
    public long Offset { get; }

    /// <summary>The file, when the reader was given a path.</summary>
    public string? FilePath { get; }

    /// <summary>The same problem, now naming the file it was found in.</summary>
    internal GgufFormatException WithFilePath(string path) => new(Problem, Offset, path, this);

    private static string Compose(string problem, long offset, string? filePath) =>
        filePath is null ? $"{problem} (at byte offset {offset})" : $"{filePath}: {problem} (at byte offset {offset})";
}

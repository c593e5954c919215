namespace LlamaOrch.Engines.Models;

/// <summary>One progress report of a model download.</summary>
/// <param name="ModelRef">The ref being downloaded, in its canonical form.</param>
/// <param name="BytesReceived">Bytes of the file on disk so far, counting a resumed partial download.</param>
/// <param name="TotalBytes">The file's size, when the server said so.</param>
/// <param name="BytesPerSecond">Transfer rate of this download session (resumed bytes are not counted).</param>
public readonly record struct ModelDownloadProgress(string ModelRef, long BytesReceived, long? TotalBytes, double BytesPerSecond)
{
    /// <summary>0..1 when the total is known.</summary>
    public double? Fraction => TotalBytes is > 0 and var total ? (double)BytesReceived / total : null;
}

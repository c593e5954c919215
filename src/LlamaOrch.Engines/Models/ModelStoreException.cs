namespace LlamaOrch.Engines.Models;

/// <summary>
/// A model could not be resolved. The message is written for an operator: it names the ref, the file or
/// URL involved and what to do about it.
/// </summary>
/// <param name="retriable">Overrides the kind's default (a 403 or an HTML page fails again the same way).</param>
public sealed class ModelStoreException(ModelStoreErrorKind kind, string message, Exception? innerException = null, bool? retriable = null)
    : Exception(message, innerException)
{
    public ModelStoreErrorKind Kind { get; } = kind;

    /// <summary>True where trying again later may succeed: the network, an interrupted download, a 5xx.</summary>
    public bool Retriable { get; } = retriable ?? kind is ModelStoreErrorKind.Unavailable or ModelStoreErrorKind.DownloadFailed;
}

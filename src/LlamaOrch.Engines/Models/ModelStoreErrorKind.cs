namespace LlamaOrch.Engines.Models;

/// <summary>Why a model could not be resolved; lets the control plane map a failure to its error code.</summary>
public enum ModelStoreErrorKind
{
    /// <summary>The local file does not exist, or the server answered 404/410 for the download.</summary>
    NotFound,

    /// <summary>A file's sha256 differs from the known digest.</summary>
    DigestMismatch,

    /// <summary>Not on this machine and not downloadable now: offline, or the server cannot be reached.</summary>
    Unavailable,

    /// <summary>The download started but failed: an HTTP error, an interrupted body, or not a GGUF file.</summary>
    DownloadFailed,
}

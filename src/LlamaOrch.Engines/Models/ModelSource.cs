namespace LlamaOrch.Engines.Models;

/// <summary>Where the model store found the file of a resolved model.</summary>
public enum ModelSource
{
    /// <summary>The ref is a local path (file: or plain) and the file is there.</summary>
    LocalFile,

    /// <summary>Found under one of the configured search directories.</summary>
    SearchPath,

    /// <summary>Found in the model cache from an earlier download.</summary>
    Cache,

    /// <summary>Downloaded into the cache by this resolve.</summary>
    Downloaded,
}

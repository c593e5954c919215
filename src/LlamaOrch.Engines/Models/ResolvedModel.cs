namespace LlamaOrch.Engines.Models;

/// <summary>A model ref resolved to a complete GGUF file on this machine.</summary>
/// <param name="Ref">The ref that was resolved.</param>
/// <param name="Path">Absolute path of the file.</param>
/// <param name="Source">Where the file was found.</param>
/// <param name="SizeBytes">The file's size.</param>
/// <param name="Sha256">Lower-case hex sha256 when it is known (verified against a known digest, computed
/// while downloading, or remembered from an earlier verification); null when nothing needed it.</param>
public sealed record ResolvedModel(ModelRef Ref, string Path, ModelSource Source, long SizeBytes, string? Sha256);

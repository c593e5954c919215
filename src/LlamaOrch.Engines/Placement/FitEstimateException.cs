namespace LlamaOrch.Engines.Placement;

/// <summary>
/// A GGUF header lacks a fact the memory estimate needs (or states one that cannot be true). The message names every
/// such key, so an operator can tell a model from an architecture we do not size from a damaged file.
/// </summary>
internal sealed class FitEstimateException(string message, IReadOnlyList<string> missingKeys) : Exception(message)
{
    /// <summary>The full metadata keys that are missing or unusable: "llama.block_count", ….</summary>
    public IReadOnlyList<string> MissingKeys { get; } = missingKeys;
}

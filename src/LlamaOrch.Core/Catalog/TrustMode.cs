namespace LlamaOrch.Core.Catalog;

/// <summary>How a catalog entry's trust gaps are treated.</summary>
public enum TrustMode
{
    /// <summary>Only a model whose last verification passed every check is served.</summary>
    Strict,

    /// <summary>Missing signatures or SBOM are logged warnings, never a refusal (home profile §8).</summary>
    Permissive,
}

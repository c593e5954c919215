namespace LlamaOrch.Core.Catalog;

/// <summary>
/// What verification demands of one catalog entry. <see cref="TrustMode.Strict"/> implies a required
/// signature and SBOM; the two flags let a permissive entry insist on either alone.
/// </summary>
public sealed record TrustPolicy(TrustMode Mode = TrustMode.Permissive, bool RequireSignature = false, bool RequireSbom = false)
{
    public static TrustPolicy Default { get; } = new();

    public bool SignatureRequired => Mode == TrustMode.Strict || RequireSignature;

    public bool SbomRequired => Mode == TrustMode.Strict || RequireSbom;
}

namespace LlamaOrch.Engines.Catalog;

/// <summary>The public-key types a trusted key may have; each verifies one signature algorithm.</summary>
public enum TrustedKeyKind
{
    /// <summary>An EC key on NIST P-256: verifies <c>ecdsa-p256-sha256</c>.</summary>
    EcdsaP256,

    /// <summary>An RSA key of at least 2048 bits: verifies <c>rsa-pss-sha256</c>.</summary>
    Rsa,
}

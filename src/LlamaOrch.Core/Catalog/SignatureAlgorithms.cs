namespace LlamaOrch.Core.Catalog;

/// <summary>
/// The signature algorithms a catalog entry may use. Every algorithm signs the same message: the ASCII
/// bytes of the file's digest string <c>sha256:&lt;64 lower-case hex&gt;</c>, hashed again with SHA-256 by
/// the algorithm itself. Signing the digest rather than the file lets an operator sign a multi-gigabyte
/// model with standard tools without reading it twice.
/// </summary>
public static class SignatureAlgorithms
{
    /// <summary>ECDSA on P-256 with SHA-256; the value is IEEE P1363 <c>r||s</c> (64 bytes) or DER.</summary>
    public const string EcdsaP256Sha256 = "ecdsa-p256-sha256";

    /// <summary>RSASSA-PSS with SHA-256, MGF1-SHA-256 and a 32-byte salt.</summary>
    public const string RsaPssSha256 = "rsa-pss-sha256";

    public static IReadOnlyList<string> All { get; } = [EcdsaP256Sha256, RsaPssSha256];

    public static bool IsKnown(string? algorithm) =>
        algorithm is EcdsaP256Sha256 or RsaPssSha256;
}

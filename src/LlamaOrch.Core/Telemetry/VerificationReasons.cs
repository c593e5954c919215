namespace LlamaOrch.Core.Telemetry;

/// <summary>
/// The <c>reason</c> label of <c>catalog_verifications_total</c>: bounded, one constant per outcome. A failed
/// verification is counted under the first check that failed, in the order the verifier runs them (file, digest,
/// signatures, SBOM); the entry's <c>problems</c> list every one.
/// </summary>
public static class VerificationReasons
{
    /// <summary>Verified, every check passed.</summary>
    public const string Ok = "ok";

    /// <summary>Verified under a permissive policy that tolerated a missing digest, signature or SBOM (each logged).</summary>
    public const string TrustGaps = "trust_gaps";

    /// <summary>No file to hash: the ref does not parse, names the synthetic model, breaks the model file rule, or cannot be fetched or read.</summary>
    public const string FileUnavailable = "file_unavailable";

    /// <summary>The file does not match its recorded digest (or the digest its source publishes).</summary>
    public const string DigestMismatch = "digest_mismatch";

    /// <summary>No digest recorded, and the strict policy requires one.</summary>
    public const string DigestMissing = "digest_missing";

    /// <summary>No signature, and the policy requires one.</summary>
    public const string SignatureMissing = "signature_missing";

    /// <summary>A signature that does not verify against a trusted key.</summary>
    public const string SignatureInvalid = "signature_invalid";

    /// <summary>No SBOM, and the policy requires one.</summary>
    public const string SbomMissing = "sbom_missing";

    /// <summary>The verification itself threw (a bug or an unexpected I/O fault), logged with its exception.</summary>
    public const string Error = "error";
}

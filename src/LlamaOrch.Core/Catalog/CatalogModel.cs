namespace LlamaOrch.Core.Catalog;

/// <summary>One entry of the model catalog, as stored and as served by the control plane.</summary>
/// <param name="Id">Catalog id: 1–128 characters of <c>[A-Za-z0-9._:-]</c>.</param>
/// <param name="Digest">The file's expected digest, <c>sha256:&lt;64 lower-case hex&gt;</c>.</param>
/// <param name="SourceUrl">A model ref (<c>hf:…</c>, <c>file:…</c>, a path, <c>https://…</c>) saying where the
/// file is; when null, the id itself is taken as the ref.</param>
/// <param name="Tags">Free-form labels.</param>
/// <param name="Signatures">Detached signatures over <see cref="Digest"/>'s string form.</param>
/// <param name="SbomJson">The raw JSON text of the <c>sbom</c> object the client sent.</param>
/// <param name="TrustPolicy">What verification demands.</param>
/// <param name="State">Lifecycle state.</param>
/// <param name="CreatedMs">Unix milliseconds of registration.</param>
/// <param name="UpdatedMs">Unix milliseconds of the last change (state or verification).</param>
/// <param name="Verification">The last verification's outcome.</param>
public sealed record CatalogModel(
    string Id,
    string? Digest,
    string? SourceUrl,
    IReadOnlyList<string> Tags,
    IReadOnlyList<ModelSignature> Signatures,
    string? SbomJson,
    TrustPolicy TrustPolicy,
    CatalogState State,
    long CreatedMs,
    long UpdatedMs,
    ModelVerification Verification)
{
    /// <summary>The ref that locates the file: <see cref="SourceUrl"/>, else the id.</summary>
    public string ModelRef => SourceUrl ?? Id;

    /// <summary>Whether <paramref name="other"/> is the same registration: the same id registered at the same time
    /// with the same file, digest, signatures, SBOM and policy (state and verification may differ). An entry deleted
    /// and registered again is another registration, and a verdict about one must not vouch for the other.</summary>
    public bool IsSameRegistration(CatalogModel other) =>
        Id == other.Id
        && CreatedMs == other.CreatedMs
        && Digest == other.Digest
        && SourceUrl == other.SourceUrl
        && SbomJson == other.SbomJson
        && TrustPolicy == other.TrustPolicy
        && Signatures.SequenceEqual(other.Signatures);
}

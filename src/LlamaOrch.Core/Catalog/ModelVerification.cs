namespace LlamaOrch.Core.Catalog;

/// <summary>The outcome of the last artifact verification of a catalog entry.</summary>
/// <param name="Status">The verdict.</param>
/// <param name="CheckedMs">Unix milliseconds when the verdict was reached; null until one was.</param>
/// <param name="ActualDigest">The file's digest as found, <c>sha256:&lt;hex&gt;</c>; null when no file was read.</param>
/// <param name="Problems">Why the status is <see cref="VerificationStatus.Failed"/>, each a sentence that says
/// what to do.</param>
/// <param name="Warnings">Trust gaps that the permissive policy tolerated (they are also logged).</param>
/// <param name="DigestMismatch">The file does not match the digest it must match: such a file is never served,
/// whatever the trust mode.</param>
public sealed record ModelVerification(
    VerificationStatus Status,
    long? CheckedMs,
    string? ActualDigest,
    IReadOnlyList<string> Problems,
    IReadOnlyList<string> Warnings,
    bool DigestMismatch)
{
    public static ModelVerification Unverified { get; } = new(VerificationStatus.Unverified, null, null, [], [], false);

    /// <summary>
    /// This verdict as a new verification starts: the status turns Pending, so a stale
    /// <see cref="VerificationStatus.Verified"/> cannot outlive a re-check, but a recorded digest mismatch (and the
    /// digest found) stays until the new verdict replaces it: the wrong file is not served while it is checked again.
    /// </summary>
    public ModelVerification Restarted() =>
        DigestMismatch
            ? new(VerificationStatus.Pending, CheckedMs, ActualDigest, [], [], DigestMismatch: true)
            : new(VerificationStatus.Pending, null, null, [], [], DigestMismatch: false);

    /// <summary>
    /// This verdict as the catalog is opened: no check survives a restart, so a Pending one (the process stopped
    /// during the check) turns Unverified, keeping what <see cref="Restarted"/> kept; any other is as it was.
    /// </summary>
    public ModelVerification AfterRestart() =>
        Status == VerificationStatus.Pending ? this with { Status = VerificationStatus.Unverified } : this;
}

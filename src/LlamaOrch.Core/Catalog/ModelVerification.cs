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

    /// <summary>A verification just started; the previous verdict is dropped so a stale
    /// <see cref="VerificationStatus.Verified"/> cannot outlive a re-check.</summary>
    public static ModelVerification Pending() => new(VerificationStatus.Pending, null, null, [], [], false);
}

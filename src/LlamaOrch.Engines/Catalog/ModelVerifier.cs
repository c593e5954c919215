using LlamaOrch.Core.Catalog;
using LlamaOrch.Core.Tasks;
using LlamaOrch.Core.Telemetry;
using LlamaOrch.Engines.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LlamaOrch.Engines.Catalog;

/// <summary>
/// Verifies a catalog entry's artifact: finds its file through the model store, checks it against the
/// <see cref="ModelFileRule"/> (only GGUF files under the model roots are hashed), hashes it, compares the
/// digest with the recorded one, checks every signature against <see cref="TrustedKeys"/> and looks for an
/// SBOM. Each check that the entry's trust policy requires (strict requires all) makes the verification
/// Failed when it does not pass; one that is not required is a warning, logged, never a failure (home
/// profile §8: trust gaps are logged). A file that does not match its recorded digest always fails. Each
/// verdict is reported to the <see cref="ICatalogMetrics"/> given, under the first check that failed.
/// </summary>
/// <remarks>
/// Signatures: the signed message is the ASCII bytes of the file's digest string
/// <c>sha256:&lt;64 lower-case hex&gt;</c> as computed from the file (not as recorded), so a signature over
/// another file's digest does not verify. <c>ecdsa-p256-sha256</c>: ECDSA P-256 over SHA-256 of that message,
/// the value IEEE P1363 <c>r||s</c> or DER, base64. <c>rsa-pss-sha256</c>: RSASSA-PSS, SHA-256, MGF1-SHA-256,
/// 32-byte salt, base64.
/// </remarks>
public sealed class ModelVerifier(ModelStore store, ModelFileRule files, TrustedKeys keys, TimeProvider time, ILogger<ModelVerifier>? logger = null,
    ICatalogMetrics? metrics = null)
{
    private const string DigestPrefix = "sha256:";

    /// <summary>The <c>engine</c> label of the verdicts: GGUF, the only format the model file rule lets through, is llama.cpp's.</summary>
    public static readonly string Engine = WireNames.Of(EngineKind.LlamaCpp);

    private readonly ILogger _logger = (ILogger?)logger ?? NullLogger.Instance;

    /// <summary>Runs every check and returns the verdict; failures are values, not exceptions. May download
    /// the file of an <c>hf:</c> or URL ref that is not on this machine (unless the store is offline).</summary>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public async Task<ModelVerification> VerifyAsync(CatalogModel model, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        var policy = model.TrustPolicy;
        var strict = policy.Mode == TrustMode.Strict;
        var problems = new List<string>();
        var warnings = new List<string>();
        string? firstFailure = null; // the metric's reason: the first check that failed
        void Fail(string reason, string problem)
        {
            problems.Add(problem);
            firstFailure ??= reason;
        }
        void Gap(bool required, string reason, string problem)
        {
            if (required) Fail(reason, problem);
            else warnings.Add(problem);
        }

        var (actual, fileProblem, mismatch) = await HashFileAsync(model, cancellationToken).ConfigureAwait(false);
        if (actual is null)
        {
            Fail(mismatch ? VerificationReasons.DigestMismatch : VerificationReasons.FileUnavailable, fileProblem!);
            return Finish(model, null, problems, warnings, mismatch, firstFailure);
        }

        if (model.Digest is null)
        {
            Gap(strict, VerificationReasons.DigestMissing,
                $"no digest recorded; the file's digest is {actual}: register the model with \"digest\": \"{actual}\" to pin this file");
        }
        else if (!string.Equals(model.Digest, actual, StringComparison.OrdinalIgnoreCase))
        {
            Fail(VerificationReasons.DigestMismatch,
                $"the file of {model.ModelRef} has digest {actual}, but the catalog records {model.Digest}: replace the file with the right one, or register the model again with the right digest");
            mismatch = true;
        }

        if (model.Signatures.Count == 0)
        {
            Gap(policy.SignatureRequired, VerificationReasons.SignatureMissing, policy.SignatureRequired
                ? $"no signature, but the trust policy requires one ({Why(policy, signature: true)}): sign {actual} and register the model with it"
                : "no signature: the file's origin is not attested");
        }
        foreach (var signature in model.Signatures)
        {
            if (keys.Check(signature, actual) is { } signatureProblem) Gap(policy.SignatureRequired, VerificationReasons.SignatureInvalid, signatureProblem);
        }

        if (model.SbomJson is null)
        {
            Gap(policy.SbomRequired, VerificationReasons.SbomMissing, policy.SbomRequired
                ? $"no SBOM, but the trust policy requires one ({Why(policy, signature: false)}): register the model with an \"sbom\" object"
                : "no SBOM: what the model was built from is not recorded");
        }

        return Finish(model, actual, problems, warnings, mismatch, firstFailure);
    }

    private async Task<(string? Digest, string? Problem, bool Mismatch)> HashFileAsync(CatalogModel model, CancellationToken cancellationToken)
    {
        var text = model.ModelRef;
        var field = model.SourceUrl is null ? "id (used as the model ref, since there is no source_url)" : "source_url";
        if (!ModelRef.TryParse(text, out var modelRef, out var error))
            return (null, $"{field}: {error}", false);
        if (modelRef.IsSynthetic)
            return (null, $"{field}: '{text}' is the synthetic model, which has no file to verify", false);
        // Checked before the store touches a local file, and again on the file it resolved: the entry may be
        // older than the rule, the file may have changed since registration, and hf:/URL refs resolve to files
        // that no registration saw.
        if (files.Problem(text) is { } refused) return (null, $"{field}: {refused}", false);

        try
        {
            // hf: refs go to the operator's HfEndpoint; a URL's host is the client's choice.
            var resolved = await store.ResolveAsync(modelRef, cancellationToken: cancellationToken,
                publicAddressesOnly: modelRef.Kind == ModelRefKind.Url && !files.PrivateSourceHostsAllowed).ConfigureAwait(false);
            if (files.FileProblem(resolved.Path) is { } problem) return (null, problem, false);
            var hex = resolved.Sha256 ?? await store.GetSha256Async(resolved.Path, cancellationToken).ConfigureAwait(false);
            return (DigestPrefix + hex, null, false);
        }
        catch (ModelStoreException e)
        {
            // A mismatch here is with a digest the store itself knows for the ref: the file is wrong all the same.
            return (null, e.Message, e.Kind == ModelStoreErrorKind.DigestMismatch);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (null, $"the file of {modelRef} cannot be read: {e.Message}", false);
        }
    }

    private ModelVerification Finish(CatalogModel model, string? actual, List<string> problems, List<string> warnings, bool mismatch, string? firstFailure)
    {
        var status = problems.Count == 0 ? VerificationStatus.Verified : VerificationStatus.Failed;
        metrics?.VerificationFinished(Engine, status, firstFailure ?? (warnings.Count == 0 ? VerificationReasons.Ok : VerificationReasons.TrustGaps));
        foreach (var warning in warnings)
            _logger.LogWarning("Catalog model {ModelId} trust gap ({TrustMode}): {Warning}", model.Id, model.TrustPolicy.Mode, warning);
        if (status == VerificationStatus.Verified)
            _logger.LogInformation("Catalog model {ModelId} verified: {Digest}, {Signatures} signature(s)", model.Id, actual, model.Signatures.Count);
        else
            _logger.LogWarning("Catalog model {ModelId} failed verification: {Problems}", model.Id, string.Join("; ", problems));

        return new ModelVerification(status, time.GetUtcNow().ToUnixTimeMilliseconds(), actual, problems.ToArray(), warnings.ToArray(), mismatch);
    }

    private static string Why(TrustPolicy policy, bool signature) =>
        policy.Mode == TrustMode.Strict ? "strict" : signature ? "require_signature" : "require_sbom";
}

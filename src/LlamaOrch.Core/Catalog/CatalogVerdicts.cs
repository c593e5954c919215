using LlamaOrch.Contracts.Errors;
using LlamaOrch.Core.Admission;

namespace LlamaOrch.Core.Catalog;

/// <summary>Whether a catalog entry may serve, and if not, a refusal that tells the operator what to do.</summary>
internal static class CatalogVerdicts
{
    public static Rejection? Of(CatalogModel model)
    {
        var id = model.Id;
        if (model.State == CatalogState.Retired)
        {
            return new Rejection(ErrorCodes.ModelDeprecated,
                $"model '{id}' is Retired and is no longer served; use an Active model, or reactivate it with " +
                $"POST /v1/catalog/models/{id}/state {{\"state\":\"Active\"}}",
                Retriable: false);
        }

        var verification = model.Verification;
        // Checked in every trust mode: permissive tolerates missing evidence, never a wrong file.
        if (verification.DigestMismatch)
        {
            var expected = model.Digest is null ? "the digest it must match" : $"its recorded digest {model.Digest}";
            var found = verification.ActualDigest is null ? "" : $" (found {verification.ActualDigest})";
            return new Rejection(ErrorCodes.UntrustedArtifact,
                $"the file of model '{id}' does not match {expected}{found}; replace the file with the right one " +
                $"(or register the model again with the right digest), then run POST /v1/catalog/models/{id}/verify",
                Retriable: false);
        }

        if (model.TrustPolicy.Mode != TrustMode.Strict || verification.Status == VerificationStatus.Verified) return null;

        return verification.Status switch
        {
            VerificationStatus.Pending => new Rejection(ErrorCodes.UntrustedArtifact,
                $"model '{id}' has a strict trust policy and its verification is still running; retry once " +
                $"GET /v1/catalog/models/{id} shows the verification status Verified",
                Retriable: true),
            VerificationStatus.Failed => new Rejection(ErrorCodes.UntrustedArtifact,
                $"model '{id}' has a strict trust policy and failed verification: {string.Join("; ", verification.Problems)}. " +
                $"Fix that, then run POST /v1/catalog/models/{id}/verify",
                Retriable: false),
            _ => new Rejection(ErrorCodes.UntrustedArtifact,
                $"model '{id}' has a strict trust policy and has not been verified; run POST /v1/catalog/models/{id}/verify " +
                "and submit again once it reports Verified",
                Retriable: false),
        };
    }
}

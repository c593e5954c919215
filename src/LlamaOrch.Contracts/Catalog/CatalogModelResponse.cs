using System.Text.Json;

namespace LlamaOrch.Contracts.Catalog;

/// <summary>One catalog entry as the control plane shows it.</summary>
/// <param name="State"><c>Active</c> or <c>Retired</c>.</param>
/// <param name="Pools">The pools serving this model now.</param>
public sealed record CatalogModelResponse(
    string Id,
    string? Digest,
    string? SourceUrl,
    IReadOnlyList<string> Tags,
    IReadOnlyList<SignatureBody> Signatures,
    JsonElement? Sbom,
    TrustPolicyBody TrustPolicy,
    string State,
    long CreatedMs,
    long UpdatedMs,
    VerificationBody Verification,
    IReadOnlyList<string> Pools);

/// <param name="Status"><c>unverified</c>, <c>pending</c>, <c>verified</c> or <c>failed</c>.</param>
public sealed record VerificationBody(
    string Status, long? CheckedMs, string? ActualDigest, IReadOnlyList<string> Problems, IReadOnlyList<string> Warnings, bool DigestMismatch);

/// <summary><c>GET /v1/catalog/models</c>: one page, in id order.</summary>
/// <param name="NextCursor">Pass as <c>cursor</c> for the next page; null on the last page.</param>
public sealed record CatalogListResponse(IReadOnlyList<CatalogModelResponse> Models, string? NextCursor);

/// <summary>The 202 of <c>POST /v1/catalog/models/{id}/verify</c>; poll the entry for the verdict.</summary>
public sealed record VerifyResponse(string Id, string Status);

/// <summary><c>POST /v1/catalog/models/{id}/state</c>.</summary>
/// <param name="DeadlineMs">When retiring: how long the pools serving it may finish their work (default 0: at once).</param>
public sealed record StateRequest
{
    public string? State { get; init; }
    public long? DeadlineMs { get; init; }
}

/// <summary>The 202 of a state change, naming the pools that drain (Retired) or come back (Active).</summary>
public sealed record StateResponse(string Id, string State, IReadOnlyList<string> Pools);

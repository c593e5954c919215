using System.Text.Json;

namespace LlamaOrch.Contracts.Catalog;

/// <summary><c>POST /v1/catalog/models</c>: a model to register, with what its verification checks.</summary>
/// <param name="Sbom">Any JSON object (SPDX, CycloneDX, …); verify checks that it is present.</param>
public sealed record CatalogModelRequest
{
    public string? Id { get; init; }
    public string? Digest { get; init; }
    public string? SourceUrl { get; init; }
    public List<string>? Tags { get; init; }
    public List<SignatureBody>? Signatures { get; init; }
    public JsonElement? Sbom { get; init; }
    public TrustPolicyBody? TrustPolicy { get; init; }
}

/// <param name="Value">Base64 signature over the ASCII digest string <c>sha256:&lt;hex&gt;</c> (docs/catalog.md).</param>
public sealed record SignatureBody(string? KeyId, string? Algorithm, string? Value);

public sealed record TrustPolicyBody(string? Mode, bool? RequireSignature, bool? RequireSbom);

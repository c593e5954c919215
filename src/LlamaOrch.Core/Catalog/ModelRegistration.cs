namespace LlamaOrch.Core.Catalog;

/// <summary>A new catalog entry as the client described it (<c>POST /v1/catalog/models</c>).</summary>
/// <param name="SbomJson">The raw JSON text of the <c>sbom</c> object; must be a JSON object when given.</param>
public sealed record ModelRegistration(
    string Id,
    string? Digest = null,
    string? SourceUrl = null,
    IReadOnlyList<string>? Tags = null,
    IReadOnlyList<ModelSignature>? Signatures = null,
    string? SbomJson = null,
    TrustPolicy? TrustPolicy = null);

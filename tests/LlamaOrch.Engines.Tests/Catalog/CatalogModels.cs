using LlamaOrch.Core.Catalog;

namespace LlamaOrch.Engines.Tests.Catalog;

/// <summary>Catalog entries for store and verifier tests.</summary>
internal static class CatalogModels
{
    public static CatalogModel Entry(
        string id,
        string? digest = null,
        string? sourceUrl = null,
        IReadOnlyList<ModelSignature>? signatures = null,
        string? sbomJson = null,
        TrustPolicy? policy = null) =>
        new(id, digest, sourceUrl, [], signatures ?? [], sbomJson, policy ?? TrustPolicy.Default, CatalogState.Active, 1_000, 1_000,
            ModelVerification.Unverified);

    private static readonly string[] NoStrings = [];
    private static readonly ModelSignature[] NoSignatures = [];

    public static void AssertEquivalent(CatalogModel expected, CatalogModel actual)
    {
        // Records compare their lists by reference: every list is swapped for one shared instance before the
        // records are compared, and compared item by item on its own.
        Assert.Equal(expected with { Tags = NoStrings, Signatures = NoSignatures, Verification = ModelVerification.Unverified },
            actual with { Tags = NoStrings, Signatures = NoSignatures, Verification = ModelVerification.Unverified });
        Assert.Equal(expected.Tags, actual.Tags);
        Assert.Equal(expected.Signatures, actual.Signatures);
        Assert.Equal(expected.Verification with { Problems = NoStrings, Warnings = NoStrings },
            actual.Verification with { Problems = NoStrings, Warnings = NoStrings });
        Assert.Equal(expected.Verification.Problems, actual.Verification.Problems);
        Assert.Equal(expected.Verification.Warnings, actual.Verification.Warnings);
    }
}

namespace LlamaOrch.Core.Catalog;

/// <summary>Where a catalog entry's artifact verification stands.</summary>
public enum VerificationStatus
{
    /// <summary>Never verified since it was registered.</summary>
    Unverified,

    /// <summary>A verification has been started and has not reported yet.</summary>
    Pending,

    /// <summary>The last verification passed every check its trust policy requires.</summary>
    Verified,

    /// <summary>The last verification found at least one problem.</summary>
    Failed,
}

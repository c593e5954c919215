using LlamaOrch.Core.Catalog;

namespace LlamaOrch.Core.Telemetry;

/// <summary>
/// What the catalog reports for <c>catalog_verifications_total</c>; the host exports it. Apart from
/// <see cref="ITaskMetrics"/> because verifications are control-plane events of the catalog, not of a task or pool.
/// Implementations are thread-safe.
/// </summary>
public interface ICatalogMetrics
{
    /// <summary>A verification of a catalog entry's artifact reached its verdict.</summary>
    /// <param name="engine">The engine kind whose artifact format was checked.</param>
    /// <param name="result"><see cref="VerificationStatus.Verified"/> or <see cref="VerificationStatus.Failed"/>.</param>
    /// <param name="reason">One of <see cref="VerificationReasons"/>: never a path, id or problem text.</param>
    void VerificationFinished(string engine, VerificationStatus result, string reason);
}

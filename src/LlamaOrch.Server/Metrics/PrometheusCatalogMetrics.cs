using LlamaOrch.Core.Catalog;
using LlamaOrch.Core.Telemetry;
using Prometheus;

namespace LlamaOrch.Server.Metrics;

/// <summary>
/// <c>catalog_verifications_total{result,reason,engine}</c> of the contract notes: <c>result</c> is
/// <c>verified</c> or <c>failed</c>, <c>reason</c> one of <see cref="VerificationReasons"/>, so the label set stays
/// bounded whatever the catalog holds (no model ids, paths or problem text).
/// </summary>
internal sealed class PrometheusCatalogMetrics(CollectorRegistry registry) : ICatalogMetrics
{
    private readonly Counter _verifications = Prometheus.Metrics.WithCustomRegistry(registry).CreateCounter(
        "catalog_verifications_total", "Catalog artifact verifications by verdict (result) and the first check that failed, or ok/trust_gaps (reason).",
        "result", "reason", "engine");

    public void VerificationFinished(string engine, VerificationStatus result, string reason) =>
        _verifications.WithLabels(result == VerificationStatus.Verified ? "verified" : "failed", reason, engine).Inc();
}

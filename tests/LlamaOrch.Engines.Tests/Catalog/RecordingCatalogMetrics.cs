using LlamaOrch.Core.Catalog;
using LlamaOrch.Core.Telemetry;

namespace LlamaOrch.Engines.Tests.Catalog;

/// <summary>Keeps every verdict reported, in order.</summary>
internal sealed class RecordingCatalogMetrics : ICatalogMetrics
{
    private readonly List<(string Engine, VerificationStatus Result, string Reason)> _verdicts = [];

    public IReadOnlyList<(string Engine, VerificationStatus Result, string Reason)> Verdicts
    {
        get
        {
            lock (_verdicts) return _verdicts.ToList();
        }
    }

    public void VerificationFinished(string engine, VerificationStatus result, string reason)
    {
        lock (_verdicts) _verdicts.Add((engine, result, reason));
    }
}

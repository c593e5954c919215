using System.Collections.Concurrent;
using LlamaOrch.Core.Catalog;
using LlamaOrch.Core.Telemetry;
using LlamaOrch.Engines.Catalog;

namespace LlamaOrch.Server.Catalog;

/// <summary>
/// Runs verifications in the background (hashing a model of many GiB takes a while): the entry shows
/// <c>pending</c> at once and the verdict when it is done. One verification per entry at a time. The verifier
/// counts its verdicts; a verification that throws is counted here.
/// </summary>
internal sealed class CatalogVerifications(ModelCatalog catalog, ModelVerifier verifier, ICatalogMetrics metrics, TimeProvider time,
    ILogger<CatalogVerifications> logger)
{
    private readonly ConcurrentDictionary<string, Task> _running = new(StringComparer.Ordinal);

    /// <summary>Starts a verification unless one runs; returns the entry as it now stands (pending), or null when unknown.</summary>
    public async Task<CatalogModel?> StartAsync(string id, CancellationToken cancellationToken)
    {
        if (_running.ContainsKey(id)) return catalog.Find(id);
        if (await catalog.RecordVerificationAsync(id, ModelVerification.Pending(), cancellationToken) is not { } pending) return null;
        var work = new TaskCompletionSource();
        if (!_running.TryAdd(id, work.Task)) return pending;
        _ = Task.Run(async () =>
        {
            try
            {
                await VerifyAsync(pending);
            }
            finally
            {
                _running.TryRemove(id, out _);
                work.SetResult();
            }
        }, CancellationToken.None);
        return pending;
    }

    private async Task VerifyAsync(CatalogModel model)
    {
        ModelVerification verdict;
        try
        {
            verdict = await verifier.VerifyAsync(model, CancellationToken.None);
        }
        catch (Exception error)
        {
            logger.LogError(error, "Verification of catalog model {ModelId} failed unexpectedly", model.Id);
            metrics.VerificationFinished(ModelVerifier.Engine, VerificationStatus.Failed, VerificationReasons.Error);
            verdict = new ModelVerification(VerificationStatus.Failed, time.GetUtcNow().ToUnixTimeMilliseconds(), null,
                [$"verification could not run: {error.Message}"], [], false);
        }
        // Recorded against the entry that was checked: one deleted and registered again meanwhile keeps its own state.
        await catalog.RecordVerificationAsync(model, verdict, CancellationToken.None);
        logger.LogInformation("Catalog model {ModelId} verification: {Status} {Problems}", model.Id, verdict.Status, string.Join("; ", verdict.Problems));
    }
}

using LlamaOrch.Core.Catalog;
using LlamaOrch.Core.Telemetry;
using LlamaOrch.Engines.Catalog;

namespace LlamaOrch.Server.Catalog;

/// <summary>
/// Runs verifications in the background (hashing a model of many GiB takes a while): the entry shows
/// <c>pending</c> at once and the verdict when it is done. One verification per registration at a time: an entry
/// deleted and registered again under the same id is another registration and gets its own check, while the old
/// one's verdict is dropped when it arrives. The verifier counts its verdicts; a verification that throws is
/// counted here.
/// </summary>
internal sealed class CatalogVerifications(ModelCatalog catalog, ModelVerifier verifier, ICatalogMetrics metrics, TimeProvider time,
    ILogger<CatalogVerifications> logger)
{
    private readonly Lock _gate = new();
    // The registrations being checked; few at a time, so a list searched in full is enough.
    private readonly List<CatalogModel> _running = [];

    /// <summary>Starts a verification unless one runs for the entry's registration; returns the entry as it now
    /// stands (pending), or null when unknown.</summary>
    public async Task<CatalogModel?> StartAsync(string id, CancellationToken cancellationToken)
    {
        // Again only when the entry was deleted and registered anew between the read and the write.
        while (catalog.Get(id) is { } current)
        {
            lock (_gate)
            {
                if (_running.Exists(current.IsSameRegistration)) return current;
                _running.Add(current);
            }
            CatalogModel? pending;
            try
            {
                pending = await catalog.StartVerificationAsync(current, cancellationToken);
            }
            catch
            {
                Finished(current);
                throw;
            }
            if (pending is null)
            {
                Finished(current);
                continue;
            }
            _ = Task.Run(async () =>
            {
                try
                {
                    await VerifyAsync(pending);
                }
                finally
                {
                    Finished(current);
                }
            }, CancellationToken.None);
            return pending;
        }
        return null;
    }

    private void Finished(CatalogModel registration)
    {
        lock (_gate) _running.RemoveAll(r => ReferenceEquals(r, registration));
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

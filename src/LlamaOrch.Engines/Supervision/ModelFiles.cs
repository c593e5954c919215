using LlamaOrch.Core.Catalog;
using LlamaOrch.Engines.Models;
using Microsoft.Extensions.Logging;

namespace LlamaOrch.Engines.Supervision;

/// <summary>
/// Turns a pool's model ref into what its engine is started with: the local GGUF file (found in the
/// search paths or the cache, or downloaded once and verified), or the ref itself for a synthetic model.
/// </summary>
internal sealed class ModelFiles(ModelStore store, ModelCatalog? catalog, TimeProvider time, ILogger logger)
{
    private static readonly TimeSpan ProgressLogInterval = TimeSpan.FromSeconds(5);

    public async Task<string> ResolveAsync(string modelRef, CancellationToken cancellationToken)
    {
        // A pool may name a catalog id; its file is wherever the entry's source points.
        var target = catalog?.Find(modelRef)?.ModelRef ?? modelRef;
        var parsed = ModelRef.Parse(target);
        if (parsed.IsSynthetic) return target;

        var resolved = await store.ResolveAsync(parsed, new ProgressLog(logger, modelRef, time), cancellationToken: cancellationToken).ConfigureAwait(false);
        logger.LogInformation("Model {ModelRef} is {Path} ({Source}, {SizeBytes} bytes, sha256 {Sha256})",
            modelRef, resolved.Path, resolved.Source, resolved.SizeBytes, resolved.Sha256 ?? "not checked");
        return resolved.Path;
    }

    /// <summary>Logs a download's progress at most every few seconds.</summary>
    private sealed class ProgressLog(ILogger logger, string modelRef, TimeProvider time) : IProgress<ModelDownloadProgress>
    {
        private long? _last;

        public void Report(ModelDownloadProgress value)
        {
            var now = time.GetTimestamp();
            if (_last is { } last && time.GetElapsedTime(last, now) < ProgressLogInterval) return;
            _last = now;
            logger.LogInformation("Downloading {ModelRef}: {Received} of {Total} bytes ({Rate:0} bytes/s)",
                modelRef, value.BytesReceived, value.TotalBytes?.ToString() ?? "?", value.BytesPerSecond);
        }
    }
}

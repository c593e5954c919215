namespace LlamaOrch.Bench.Load;

/// <summary>Where a streaming task is sent: straight to an engine, or through orchestratord.</summary>
internal interface IStreamTarget
{
    /// <summary>"direct" or "orch", as printed.</summary>
    string Name { get; }

    /// <summary>
    /// Runs one task of worker <paramref name="worker"/> to its end. Token frames are counted into <paramref name="stats"/> as they arrive, so
    /// that a window boundary in the middle of a stream splits its tokens correctly.
    /// </summary>
    Task<StreamOutcome> RunOneAsync(int worker, long seed, WorkerStats stats, CancellationToken cancellationToken);
}

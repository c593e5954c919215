namespace LlamaOrch.Bench.Load;

/// <summary>Where a streaming task is sent: straight to an engine, through a relay (orchestratord or llorch-bare's), or to llorch-bare's fixed stream.</summary>
internal interface IStreamTarget
{
    /// <summary>The path's name as printed: direct, relay, orch, orch-1r, bare, bare-1r.</summary>
    string Name { get; }

    /// <summary>
    /// Runs one task of worker <paramref name="worker"/> to its end. Token frames are counted into <paramref name="stats"/> as they arrive, so
    /// that a window boundary in the middle of a stream splits its tokens correctly.
    /// </summary>
    Task<StreamOutcome> RunOneAsync(int worker, long seed, WorkerStats stats, CancellationToken cancellationToken);
}

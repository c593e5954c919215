namespace LlamaOrch.Engines.Supervision;

/// <summary>What keeps one replica serving for as long as it runs: a process supervisor, or the health watcher of an upstream.</summary>
internal interface IReplicaRun
{
    string ReplicaId { get; }

    /// <summary>The engine's pid while orchestratord runs one for this replica; always null for an upstream.</summary>
    int? ProcessId { get; }

    Task RunAsync(CancellationToken stopping);
}

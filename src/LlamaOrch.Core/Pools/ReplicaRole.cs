namespace LlamaOrch.Core.Pools;

/// <summary>Where a replica stands in its pool's life: a reload starts incoming ones and retires the serving ones.</summary>
public enum ReplicaRole
{
    /// <summary>Takes tasks from the pool's queue.</summary>
    Serving,

    /// <summary>Started by a reload; takes no task until the reload switches over.</summary>
    Incoming,

    /// <summary>Replaced by a reload or stopped with its pool; finishes its running tasks and takes no new one.</summary>
    Outgoing,
}

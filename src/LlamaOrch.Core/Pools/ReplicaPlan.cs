namespace LlamaOrch.Core.Pools;

/// <summary>
/// What the supervisor needs to start one replica's engine: the pool's settings and the model to serve; for a
/// replica we do not start, the <see cref="Upstream"/> to watch instead.
/// </summary>
public sealed record ReplicaPlan(string ReplicaId, string Model, PoolConfig Config, UpstreamConfig? Upstream = null);

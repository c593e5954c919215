namespace LlamaOrch.Core.Pools;

/// <summary>What the supervisor needs to start one replica's engine: the pool's settings and the model to serve.</summary>
public sealed record ReplicaPlan(string ReplicaId, string Model, PoolConfig Config);

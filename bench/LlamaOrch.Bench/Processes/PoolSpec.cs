namespace LlamaOrch.Bench.Processes;

/// <summary>One pool the bench configures on an orchestratord it starts; <paramref name="Replicas"/> engine processes of <paramref name="Slots"/> slots each.</summary>
internal sealed record PoolSpec(string Id, string Model, int Slots, int QueueCapacity, int Replicas = 1);

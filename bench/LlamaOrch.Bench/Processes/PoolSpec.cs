namespace LlamaOrch.Bench.Processes;

/// <summary>One pool the bench configures on an orchestratord it starts.</summary>
internal sealed record PoolSpec(string Id, string Model, int Slots, int QueueCapacity);

namespace LlamaOrch.Bench.Scenarios;

/// <summary>orchestratord's VmRSS idle and with tasks held in a queue.</summary>
internal sealed record MemoryResult(long IdleBytes, long IdleThreads, long QueuedBytes, int QueuedTasks);

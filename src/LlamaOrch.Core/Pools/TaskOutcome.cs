namespace LlamaOrch.Core.Pools;

/// <summary>What one finished task tells its pool: how long it waited and held the slot, and how fast the replica served it.</summary>
internal readonly record struct TaskOutcome(bool Completed, TimeSpan ServiceTime, double? TimeToFirstTokenMs, long TokensOut, double DecodeMs, double QueuedMs);

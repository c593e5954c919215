namespace LlamaOrch.Bench.Processes;

/// <summary>The bench cannot run at all (nothing built, a child that never became ready); a target miss is never one.</summary>
internal sealed class BenchSetupException(string message) : Exception(message);

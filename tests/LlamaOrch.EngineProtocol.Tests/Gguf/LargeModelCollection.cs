namespace LlamaOrch.EngineProtocol.Tests.Gguf;

/// <summary>Tests that measure the process's allocations run alone, after the parallel ones.</summary>
[CollectionDefinition(nameof(LargeModelCollection), DisableParallelization = true)]
public sealed class LargeModelCollection;

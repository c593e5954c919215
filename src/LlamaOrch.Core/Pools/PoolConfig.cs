using LlamaOrch.Core.Budgets;
using LlamaOrch.Core.Scheduling;
using LlamaOrch.Core.Tasks;

namespace LlamaOrch.Core.Pools;

/// <summary>One pool as configured (Orchestrator:Pools:N), validated once at start and immutable after.</summary>
public sealed record PoolConfig
{
    public required string Id { get; init; }
    public EngineKind Engine { get; init; } = EngineKind.LlamaCpp;
    public required string Model { get; init; }

    /// <summary>Engine processes orchestratord starts for the pool; 0 when it serves only through <see cref="Upstreams"/>.</summary>
    public int Replicas { get; init; } = 1;

    /// <summary>Engines the pool schedules onto but does not start, each one replica beside the local ones.</summary>
    public IReadOnlyList<UpstreamConfig> Upstreams { get; init; } = [];

    /// <summary>Concurrent tasks per replica (llama.cpp's parallel slots).</summary>
    public int Slots { get; init; } = 4;

    public IReadOnlyList<string> Devices { get; init; } = ["cpu"];

    /// <summary>Context per slot in tokens; the engine is started with Ctx × Slots in total.</summary>
    public int Ctx { get; init; } = 4096;

    /// <summary>llama.cpp threads per replica; on small machines more than one can be much slower.</summary>
    public int Threads { get; init; } = 1;

    public int QueueCapacity { get; init; } = 256;
    public FullPolicy QueuePolicy { get; init; } = FullPolicy.Reject;
    public IReadOnlyList<Workload> Workloads { get; init; } = [Workload.Completion];

    /// <summary>
    /// The decode speed to assume for predictions before a replica has been measured: configured, or the rate a
    /// <c>sim:</c> model declares; null for <see cref="StartPrediction.PriorTokensPerSecond"/>.
    /// </summary>
    public double? ExpectedTokensPerSecond { get; init; }

    /// <summary>What its tokens cost against session cost budgets; free unless configured.</summary>
    public TokenPrice Price { get; init; }

    /// <summary>The engine executable; null for the llorch-engine that ships beside orchestratord.</summary>
    public string? EngineCommand { get; init; }

    /// <summary>Extra arguments passed to the engine after the ones orchestratord sets.</summary>
    public IReadOnlyList<string> EngineArgs { get; init; } = [];
}

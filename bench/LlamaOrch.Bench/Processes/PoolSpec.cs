namespace LlamaOrch.Bench.Processes;

/// <summary>One pool the bench configures on an orchestratord it starts; <paramref name="Replicas"/> engine processes of <paramref name="Slots"/> slots each.</summary>
/// <param name="Upstream">An engine the pool does not start; then it starts none of its own.</param>
/// <param name="Engine">The pool's engine; null for llamacpp.</param>
internal sealed record PoolSpec(string Id, string Model, int Slots, int QueueCapacity, UpstreamSpec? Upstream = null, string? Engine = null,
    int Replicas = 1);

/// <summary>A pool's one upstream (Orchestrator:Pools:N:Upstreams:0); its API key, if any, from the named environment variable.</summary>
internal sealed record UpstreamSpec(Uri Url, string Protocol, string? Model = null, string? ApiKeyEnv = null);

namespace LlamaOrch.Contracts.Control;

/// <summary><c>POST /v1/pools/{id}/drain</c>: how long queued and running tasks may still take.</summary>
public sealed record DrainRequest
{
    public long? DeadlineMs { get; init; }
}

/// <summary>The 202 answer to a drain.</summary>
public sealed record DrainResponse(string PoolId, bool Draining, long DeadlineMs);

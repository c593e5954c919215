namespace LlamaOrch.Contracts.Control;

/// <summary><c>POST /v1/pools/{id}/reload</c>: the model the pool serves from now on (a model ref or a catalog id).</summary>
public sealed record ReloadRequest
{
    public string? NewModelRef { get; init; }
}

/// <summary>The 202 answer to a reload that switched over; the old replicas stop once their running tasks end.</summary>
public sealed record ReloadResponse(string PoolId, string ModelRef, IReadOnlyList<string> Replicas, IReadOnlyList<string> Stopping);

namespace LlamaOrch.Contracts.Control;

/// <summary>The 202 answer to <c>POST /v1/pools/{id}/resume</c>: the pool admits again after a drain.</summary>
public sealed record ResumeResponse(string PoolId, bool Draining);

namespace LlamaOrch.Core.Pools;

/// <summary>What an upstream replica (an engine we do not start) speaks; each has its adapter in LlamaOrch.Engines.</summary>
public enum UpstreamProtocol
{
    /// <summary>llama.cpp server's own API (<c>/completion</c>, <c>/props</c>, <c>/health</c>): a llama-server or llorch-engine we do not start.</summary>
    LlamaCpp,
}

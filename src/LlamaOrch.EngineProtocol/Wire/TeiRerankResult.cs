namespace LlamaOrch.EngineProtocol.Wire;

/// <summary>One item of the TEI-shaped reply (a bare array) to a <c>texts</c> rerank request.</summary>
internal sealed record TeiRerankResult(int Index, float Score);

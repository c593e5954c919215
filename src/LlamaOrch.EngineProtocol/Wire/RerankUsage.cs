namespace LlamaOrch.EngineProtocol.Wire;

/// <summary>The tokens a <c>/rerank</c> request took, all query/document pairs together.</summary>
internal sealed record RerankUsage(int PromptTokens, int TotalTokens);

namespace LlamaOrch.EngineHost.Protocol.Wire;

/// <summary>
/// The Jina-shaped reply llama-server gives to a <c>documents</c> request: results best first, with our extension
/// <c>tokens_evaluated</c> per result (the tokens the query/document pair took).
/// </summary>
internal sealed record RerankResponse(string Model, string Object, RerankUsage Usage, RerankResult[] Results);

internal sealed record RerankUsage(int PromptTokens, int TotalTokens);

internal sealed record RerankResult(int Index, float RelevanceScore, int TokensEvaluated);

/// <summary>One item of the TEI-shaped reply (a bare array) to a <c>texts</c> request.</summary>
internal sealed record TeiRerankResult(int Index, float Score);

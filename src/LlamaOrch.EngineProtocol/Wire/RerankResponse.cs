namespace LlamaOrch.EngineProtocol.Wire;

/// <summary>
/// The Jina-shaped reply llama-server gives to a <c>documents</c> request: results best first, each naming its
/// document's index.
/// </summary>
internal sealed record RerankResponse(string? Model, string? Object, RerankUsage? Usage, RerankResult[]? Results);

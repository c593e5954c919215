namespace LlamaOrch.EngineProtocol.Wire;

/// <summary>
/// llama-server's <c>POST /rerank</c> body: the Jina shape (<c>documents</c>) or the TEI shape (<c>texts</c>), scored
/// against <c>query</c>; <c>top_n</c> keeps the best n. The orchestrator sends the Jina shape and asks for every score.
/// </summary>
internal sealed record RerankRequest(string? Query, List<string?>? Documents, List<string?>? Texts, int? TopN);

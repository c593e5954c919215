namespace LlamaOrch.EngineProtocol.Wire;

/// <summary>The answer of <c>POST /tokenize</c>.</summary>
internal sealed record TokenizeResponse(IReadOnlyList<int>? Tokens);

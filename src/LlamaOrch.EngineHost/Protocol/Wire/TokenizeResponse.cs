namespace LlamaOrch.EngineHost.Protocol.Wire;

/// <summary>The answer of <c>POST /tokenize</c>.</summary>
internal sealed record TokenizeResponse(List<int> Tokens);

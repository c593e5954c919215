namespace LlamaOrch.EngineProtocol.Wire;

/// <summary>The body of <c>POST /tokenize</c>.</summary>
internal sealed record TokenizeRequest(string? Content);

namespace LlamaOrch.EngineProtocol.Wire;

/// <summary>llama-server's error envelope: <c>{"error":{"code":400,"message":"...","type":"..."}}</c>.</summary>
internal sealed record ErrorResponse(ErrorBody? Error);

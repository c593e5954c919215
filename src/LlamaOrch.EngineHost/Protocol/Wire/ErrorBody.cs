namespace LlamaOrch.EngineHost.Protocol.Wire;

/// <summary>The inside of <see cref="ErrorResponse"/>; <paramref name="Code"/> repeats the HTTP status.</summary>
internal sealed record ErrorBody(int Code, string Message, string Type);

namespace LlamaOrch.EngineProtocol.Wire;

/// <summary>
/// The inside of <see cref="ErrorResponse"/>; <paramref name="Code"/> repeats the HTTP status. llorch-engine fills
/// every field; a client reads each as optional, since any llama.cpp-protocol server may answer.
/// </summary>
internal sealed record ErrorBody(int? Code, string? Message, string? Type);

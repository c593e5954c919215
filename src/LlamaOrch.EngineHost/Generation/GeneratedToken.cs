namespace LlamaOrch.EngineHost.Generation;

/// <summary>One sampled token; its piece is UTF-8, which is what llama.cpp yields and what the wire carries.</summary>
/// <param name="IsEndOfGeneration">The model chose to stop; the token is not part of the output.</param>
internal readonly record struct GeneratedToken(int Id, ReadOnlyMemory<byte> Utf8Piece, bool IsEndOfGeneration);

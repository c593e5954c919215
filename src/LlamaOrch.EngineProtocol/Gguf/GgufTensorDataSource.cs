namespace LlamaOrch.EngineProtocol.Gguf;

/// <summary>
/// Writes one tensor's data into <paramref name="destination"/>: exactly the tensor's byte size, in ggml's layout.
/// Called once per write, in tensor order, so a source can produce its bytes in chunks instead of holding them.
/// </summary>
internal delegate ValueTask GgufTensorDataSource(Stream destination, CancellationToken cancellationToken);

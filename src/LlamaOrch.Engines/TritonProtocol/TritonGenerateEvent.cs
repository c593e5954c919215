using System.Text.Json;

namespace LlamaOrch.Engines.TritonProtocol;

/// <summary>
/// One <c>data:</c> event of <c>generate_stream</c>: the model's output tensors by name, or <c>error</c>. A one-element
/// tensor may come as a value or as an array of one, so the outputs are read as <see cref="JsonElement"/>s.
/// </summary>
internal sealed record TritonGenerateEvent(
    string? ModelName,
    string? ModelVersion,
    JsonElement TextOutput,
    JsonElement FinishReason,
    JsonElement NumInputTokens,
    JsonElement NumOutputTokens,
    string? Error);

/// <summary><c>GET /v2</c>, the server metadata: its name, version and extensions.</summary>
internal sealed record TritonServerMetadata(string? Name, string? Version, IReadOnlyList<string>? Extensions);

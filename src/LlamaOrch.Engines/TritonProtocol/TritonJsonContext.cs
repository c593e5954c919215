using System.Text.Json.Serialization;

namespace LlamaOrch.Engines.TritonProtocol;

/// <summary>The wire shapes of Triton's generate extension and server metadata (snake_case, nulls left out).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(TritonGenerateRequest))]
[JsonSerializable(typeof(TritonGenerateEvent))]
[JsonSerializable(typeof(TritonServerMetadata))]
internal sealed partial class TritonJsonContext : JsonSerializerContext;

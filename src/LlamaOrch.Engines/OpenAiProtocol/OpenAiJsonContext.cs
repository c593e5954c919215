using System.Text.Json.Serialization;

namespace LlamaOrch.Engines.OpenAiProtocol;

/// <summary>The OpenAI wire shapes this adapter reads and writes (snake_case, nulls left out).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(OpenAiCompletionRequest))]
[JsonSerializable(typeof(OpenAiCompletionChunk))]
[JsonSerializable(typeof(OpenAiModelList))]
[JsonSerializable(typeof(OpenAiEmbeddingRequest))]
[JsonSerializable(typeof(OpenAiEmbeddingResponse))]
internal sealed partial class OpenAiJsonContext : JsonSerializerContext;

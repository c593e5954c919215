using System.Text.Json.Serialization;

namespace LlamaOrch.Contracts.OpenAi;

/// <summary>
/// Source-generated serialisation of the OpenAI-compatible door's wire types: snake_case as OpenAI writes them, null
/// members left out (OpenAI's clients read a missing member as null), unknown members of a request ignored.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(ChatCompletionRequest))]
[JsonSerializable(typeof(ChatCompletion))]
[JsonSerializable(typeof(ChatCompletionChunk))]
[JsonSerializable(typeof(CompletionRequest))]
[JsonSerializable(typeof(Completion))]
[JsonSerializable(typeof(EmbeddingRequest))]
[JsonSerializable(typeof(EmbeddingList<float[]>))]
[JsonSerializable(typeof(EmbeddingList<string>))]
[JsonSerializable(typeof(ModelList))]
[JsonSerializable(typeof(RerankRequest))]
[JsonSerializable(typeof(RerankResponse))]
[JsonSerializable(typeof(OpenAiErrorResponse))]
public sealed partial class OpenAiJsonContext : JsonSerializerContext;

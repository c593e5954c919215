using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace LlamaOrch.EngineProtocol.Wire;

/// <summary>
/// Source-generated snake_case serialisation of the llama.cpp server protocol, for both its ends: llorch-engine reads
/// requests and writes replies, the orchestrator writes requests and reads replies. Absent fields are null and are
/// left out when written.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(CompletionRequest))]
[JsonSerializable(typeof(CompletionChunk))]
[JsonSerializable(typeof(TokenizeRequest))]
[JsonSerializable(typeof(TokenizeResponse))]
[JsonSerializable(typeof(HealthResponse))]
[JsonSerializable(typeof(ErrorResponse))]
[JsonSerializable(typeof(PropsResponse))]
[JsonSerializable(typeof(SlotState[]))]
[JsonSerializable(typeof(SlotEraseResponse))]
[JsonSerializable(typeof(EmbeddingRequest))]
[JsonSerializable(typeof(EmbeddingResult[]))]
[JsonSerializable(typeof(RerankRequest))]
[JsonSerializable(typeof(RerankResponse))]
[JsonSerializable(typeof(TeiRerankResult[]))]
internal sealed partial class LlamaCppJsonContext : JsonSerializerContext
{
    /// <summary>
    /// The context llorch-engine writes replies with: text goes out as plain UTF-8, as llama-server writes it, rather
    /// than with HTML-safe escapes, since these bodies are never embedded in a page.
    /// </summary>
    /// <remarks>Built on first use: static initialisers of partial classes run in no defined order.</remarks>
    public static LlamaCppJsonContext Relaxed => field ??= new(new JsonSerializerOptions(Default.Options)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}

using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using LlamaOrch.EngineHost.Protocol.Wire;

namespace LlamaOrch.EngineHost.Protocol;

/// <summary>
/// Source-generated snake_case serialisation of the request and reply bodies. Completion frames are written by
/// <see cref="CompletionFrameWriter"/> straight into the response instead, as they are the hot path.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(CompletionRequest))]
[JsonSerializable(typeof(TokenizeRequest))]
[JsonSerializable(typeof(TokenizeResponse))]
[JsonSerializable(typeof(HealthResponse))]
[JsonSerializable(typeof(ErrorResponse))]
[JsonSerializable(typeof(PropsResponse))]
[JsonSerializable(typeof(SlotState[]))]
[JsonSerializable(typeof(EmbeddingResult[]))]
[JsonSerializable(typeof(RerankRequest))]
[JsonSerializable(typeof(RerankResponse))]
[JsonSerializable(typeof(TeiRerankResult[]))]
internal sealed partial class EngineJsonContext : JsonSerializerContext
{
    /// <summary>
    /// The context replies are written with: text goes out as plain UTF-8, as llama-server writes it, rather than
    /// with HTML-safe escapes, since these bodies are never embedded in a page.
    /// </summary>
    /// <remarks>Built on first use: static initialisers of partial classes run in no defined order.</remarks>
    public static EngineJsonContext Relaxed => field ??= new(new JsonSerializerOptions(Default.Options)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}

using System.Text.Json.Serialization;

namespace LlamaOrch.Engines.TgiProtocol;

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(TgiGenerateRequest))]
[JsonSerializable(typeof(TgiStreamEvent))]
[JsonSerializable(typeof(TgiInfo))]
internal sealed partial class TgiJsonContext : JsonSerializerContext;

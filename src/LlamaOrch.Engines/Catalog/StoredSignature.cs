using System.Text.Json.Serialization;

namespace LlamaOrch.Engines.Catalog;

/// <summary>A signature as stored in <c>catalog.db</c>: its own type, so renaming a domain property
/// cannot silently change the file format.</summary>
internal sealed record StoredSignature(
    [property: JsonPropertyName("key_id")] string KeyId,
    [property: JsonPropertyName("algorithm")] string Algorithm,
    [property: JsonPropertyName("value")] string Value);

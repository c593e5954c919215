using System.Text.Json.Serialization;

namespace LlamaOrch.Engines.Catalog;

/// <summary>The JSON list columns of <c>catalog.db</c> (tags, signatures, verification problems and warnings).</summary>
[JsonSourceGenerationOptions(GenerationMode = JsonSourceGenerationMode.Default)]
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(StoredSignature[]))]
internal sealed partial class CatalogJsonContext : JsonSerializerContext;

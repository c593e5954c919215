using System.Text.Json.Serialization;
using System.Text.Json;

namespace LlamaOrch.Cli.Output;

/// <summary>The few shapes llorch writes that are not wire types (an artifact's content as it is, a text wrapped for storing).</summary>
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class CliJsonContext : JsonSerializerContext;

using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

namespace LlamaOrch.Pact.Tests.Consumer;

/// <summary>Request bodies as the SDK writes them (its source-generated contracts, nulls included), to put matchers into.</summary>
internal static class Bodies
{
    public static JsonObject Of<T>(T value, JsonTypeInfo<T> type) => JsonSerializer.SerializeToNode(value, type)!.AsObject();
}

using System.Text.Json;

namespace LlamaOrch.EndToEnd.Tests;

internal sealed record SseFrame(string Event, JsonElement Data)
{
    public string Str(string name) => Data.GetProperty(name).GetString()!;

    public int Int(string name) => Data.GetProperty(name).GetInt32();

    public long Long(string name) => Data.GetProperty(name).GetInt64();

    public bool Bool(string name) => Data.GetProperty(name).GetBoolean();
}

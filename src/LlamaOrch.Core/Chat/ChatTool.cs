using System.Text.Json;

namespace LlamaOrch.Core.Chat;

/// <summary>A function the model may call.</summary>
/// <param name="Parameters">A JSON Schema of the arguments object (an empty object schema when the function takes none).</param>
public sealed record ChatTool(string Name, string? Description, JsonElement Parameters);

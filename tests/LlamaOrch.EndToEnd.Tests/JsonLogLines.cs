using System.Text;
using System.Text.Json;

namespace LlamaOrch.EndToEnd.Tests;

/// <summary>orchestratord's JSON console lines (its format when stdout is not a terminal), and the values of their scopes.</summary>
internal static class JsonLogLines
{
    /// <summary>Every line of <paramref name="stdout"/> (as <see cref="OrchestratordProcess.CollectStdout"/> collects it) that is a JSON log entry.</summary>
    public static List<JsonElement> Parse(StringBuilder stdout)
    {
        string text;
        lock (stdout) text = stdout.ToString();
        var lines = new List<JsonElement>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!line.StartsWith('{')) continue;
            using var document = JsonDocument.Parse(line);
            lines.Add(document.RootElement.Clone());
        }
        return lines;
    }

    public static string Category(JsonElement line) => line.GetProperty("Category").GetString()!;

    public static string Level(JsonElement line) => line.GetProperty("LogLevel").GetString()!;

    /// <summary>The value of <paramref name="key"/> in the line's scopes (innermost last wins); null when no scope has it.</summary>
    public static string? Scope(JsonElement line, string key)
    {
        string? value = null;
        if (!line.TryGetProperty("Scopes", out var scopes)) return null;
        foreach (var scope in scopes.EnumerateArray())
            if (scope.ValueKind == JsonValueKind.Object && scope.TryGetProperty(key, out var found)) value = found.ToString();
        return value;
    }
}

using System.Text;
using System.Text.Json.Nodes;

namespace LlamaOrch.Bdd.Steps;

/// <summary>One Server-Sent Events frame: its event name and data.</summary>
internal sealed record SseFrame(string Event, string Data)
{
    public JsonNode? Json => JsonNode.Parse(Data);

    public static async Task<List<SseFrame>> ReadAllAsync(Stream stream)
    {
        var frames = new List<SseFrame>();
        using var reader = new StreamReader(stream, Encoding.UTF8);
        string? name = null;
        var data = new StringBuilder();
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.Length == 0)
            {
                if (name is not null || data.Length > 0) frames.Add(new SseFrame(name ?? "message", data.ToString()));
                name = null;
                data.Clear();
            }
            else if (line.StartsWith("event:", StringComparison.Ordinal)) name = line[6..].Trim();
            else if (line.StartsWith("data:", StringComparison.Ordinal))
            {
                if (data.Length > 0) data.Append('\n');
                data.Append(line[5..].TrimStart());
            }
        }
        if (name is not null || data.Length > 0) frames.Add(new SseFrame(name ?? "message", data.ToString()));
        return frames;
    }
}

using System.Net;
using System.Net.ServerSentEvents;
using System.Text.Json;

namespace LlamaOrch.EndToEnd.Tests;

internal sealed record SseFrame(string Event, JsonElement Data)
{
    public string Str(string name) => Data.GetProperty(name).GetString()!;

    public int Int(string name) => Data.GetProperty(name).GetInt32();

    public long Long(string name) => Data.GetProperty(name).GetInt64();

    public bool Bool(string name) => Data.GetProperty(name).GetBoolean();

    /// <summary>
    /// The frames after the <c>metrics</c> frames a task that waited in the queue may begin with, asserting that
    /// those carry its <c>queue_position</c>.
    /// </summary>
    public static List<SseFrame> AfterQueued(List<SseFrame> frames)
    {
        var queued = frames.TakeWhile(f => f.Event == "metrics").ToList();
        Assert.All(queued, f => Assert.True(f.Data.TryGetProperty("queue_position", out _), f.Data.GetRawText()));
        return frames[queued.Count..];
    }

    /// <summary>Reads a task's whole stream; <paramref name="seen"/> hears of each frame as it arrives.</summary>
    public static async Task<List<SseFrame>> ReadAllAsync(HttpClient http, string id, Action<SseFrame>? seen = null)
    {
        var frames = new List<SseFrame>();
        await foreach (var frame in FollowAsync(http, id))
        {
            frames.Add(frame);
            seen?.Invoke(frame);
        }
        return frames;
    }

    /// <summary>Yields a task's frames from <c>GET /v1/tasks/{id}/stream</c> as they arrive, until the server closes the stream.</summary>
    public static async IAsyncEnumerable<SseFrame> FollowAsync(HttpClient http, string id)
    {
        using var response = await http.GetAsync($"/v1/tasks/{id}/stream", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var body = await response.Content.ReadAsStreamAsync();
        await foreach (var item in SseParser.Create(body).EnumerateAsync())
        {
            using var data = JsonDocument.Parse(item.Data);
            yield return new SseFrame(item.EventType, data.RootElement.Clone());
        }
    }
}

using System.Net.ServerSentEvents;
using System.Text;

namespace LlamaOrch.EndToEnd.Tests.Conformance;

/// <summary>The events of an SSE body Prism passed through whole (it buffers, so the stream has ended).</summary>
internal static class SseText
{
    public static async Task<List<SseItem<string>>> ReadAsync(HttpResponseMessage response)
    {
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        var items = new List<SseItem<string>>();
        await foreach (var item in SseParser.Create(new MemoryStream(Encoding.UTF8.GetBytes(text))).EnumerateAsync())
        {
            items.Add(item);
        }
        Assert.NotEmpty(items);
        return items;
    }
}

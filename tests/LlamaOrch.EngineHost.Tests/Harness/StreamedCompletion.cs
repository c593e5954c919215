using System.Net;
using System.Net.ServerSentEvents;
using System.Text;
using System.Text.Json;

namespace LlamaOrch.EngineHost.Tests.Harness;

/// <summary>A streaming <c>POST /completion</c> read frame by frame; disposing it drops the connection.</summary>
internal sealed class StreamedCompletion : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly Stream _body;
    private readonly IAsyncEnumerator<SseItem<string>> _items;

    private StreamedCompletion(HttpResponseMessage response, Stream body)
    {
        _response = response;
        _body = body;
        _items = SseParser.Create(body).EnumerateAsync().GetAsyncEnumerator();
    }

    public HttpResponseMessage Response => _response;

    public static async Task<StreamedCompletion> StartAsync(HttpClient http, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/completion")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return new StreamedCompletion(response, await response.Content.ReadAsStreamAsync());
    }

    /// <summary>The next <c>data:</c> frame, or null once the stream has ended.</summary>
    public async Task<JsonElement?> ReadFrameAsync()
    {
        if (!await _items.MoveNextAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30))) return null;

        // The llama.cpp protocol sends bare data lines, which SSE names "message".
        Assert.Equal(SseParser.EventTypeDefault, _items.Current.EventType);
        using var frame = JsonDocument.Parse(_items.Current.Data);
        return frame.RootElement.Clone();
    }

    public async Task<List<JsonElement>> ReadToEndAsync()
    {
        var frames = new List<JsonElement>();
        while (await ReadFrameAsync() is { } frame)
        {
            frames.Add(frame);
        }

        return frames;
    }

    public async ValueTask DisposeAsync()
    {
        await _items.DisposeAsync();
        await _body.DisposeAsync();
        _response.Dispose();
    }
}

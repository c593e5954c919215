using System.Net;
using System.Text;
using System.Text.Json;

namespace LlamaOrch.EngineHost.Tests.Harness;

/// <summary>A streaming <c>POST /completion</c> read frame by frame; disposing it drops the connection.</summary>
internal sealed class StreamedCompletion : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;

    private StreamedCompletion(HttpResponseMessage response, StreamReader reader)
    {
        _response = response;
        _reader = reader;
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
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        return new StreamedCompletion(response, reader);
    }

    /// <summary>The next <c>data:</c> frame, or null once the stream has ended.</summary>
    public async Task<JsonElement?> ReadFrameAsync()
    {
        while (await _reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30)) is { } line)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                using var frame = JsonDocument.Parse(line["data: ".Length..]);
                return frame.RootElement.Clone();
            }

            Assert.Equal("", line);
        }

        return null;
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

    public ValueTask DisposeAsync()
    {
        _reader.Dispose();
        _response.Dispose();
        return ValueTask.CompletedTask;
    }
}

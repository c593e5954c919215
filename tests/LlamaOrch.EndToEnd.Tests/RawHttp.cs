using System.Net.Sockets;
using System.Text;

namespace LlamaOrch.EndToEnd.Tests;

/// <summary>
/// HTTP/1.1 written byte by byte over a TcpClient, for requests HttpClient will not send (broken chunked
/// framing, a Content-Length with no body, oversized request lines, unknown versions). The request should
/// ask for <c>Connection: close</c> or be one the server closes after: the answer is read until the server
/// closes the connection.
/// </summary>
internal static class RawHttp
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    public static Task<RawResponse> SendAsync(Uri server, string head, string body = "") =>
        SendAsync(server, Encoding.ASCII.GetBytes(head), Encoding.UTF8.GetBytes(body));

    /// <summary>Sends <paramref name="head"/> (request line and headers, with the blank line) and then <paramref name="body"/>.</summary>
    public static async Task<RawResponse> SendAsync(Uri server, byte[] head, byte[] body)
    {
        using var timeout = new CancellationTokenSource(Patience);
        using var client = new TcpClient();
        await client.ConnectAsync(server.Host, server.Port, timeout.Token);
        var stream = client.GetStream();
        await stream.WriteAsync(head, timeout.Token);
        await stream.WriteAsync(body, timeout.Token);
        var received = new MemoryStream();
        try
        {
            await stream.CopyToAsync(received, timeout.Token);
        }
        catch (IOException)
        {
            // A reset after the answer (the server closed with bytes of ours unread) ends the answer too.
        }
        return RawResponse.Parse(received.ToArray());
    }

    /// <summary>One chunk of a chunked body.</summary>
    public static string Chunk(string data) => $"{Encoding.UTF8.GetByteCount(data):x}\r\n{data}\r\n";
}

/// <summary>An answer as it came over the wire; a chunked body is decoded.</summary>
internal sealed record RawResponse(int Status, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public string? Header(string name) => Headers.GetValueOrDefault(name.ToLowerInvariant());

    public static RawResponse Parse(byte[] bytes)
    {
        var text = Encoding.UTF8.GetString(bytes);
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        Assert.True(end > 0, $"no HTTP answer: '{text}'");
        var lines = text[..end].Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var headers = lines.Skip(1).Select(l => l.Split(':', 2)).ToDictionary(h => h[0].Trim().ToLowerInvariant(), h => h[1].Trim());
        var body = text[(end + 4)..];
        if (headers.GetValueOrDefault("transfer-encoding") == "chunked") body = Dechunk(body);
        return new RawResponse(status, headers, body);
    }

    private static string Dechunk(string chunked)
    {
        var body = new StringBuilder();
        var at = 0;
        while (true)
        {
            var lineEnd = chunked.IndexOf("\r\n", at, StringComparison.Ordinal);
            var size = Convert.ToInt32(chunked[at..lineEnd], 16);
            if (size == 0) return body.ToString();
            body.Append(chunked, lineEnd + 2, size);
            at = lineEnd + 2 + size + 2;
        }
    }
}

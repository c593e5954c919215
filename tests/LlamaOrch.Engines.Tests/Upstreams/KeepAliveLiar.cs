using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace LlamaOrch.Engines.Tests.Upstreams;

/// <summary>
/// A raw-socket stand-in for a llama.cpp server on 127.0.0.1 that answers one request per connection with a
/// streamed <c>/completion</c> (SSE, chunked) while advertising <c>Connection: keep-alive</c>, and then drops the
/// connection as soon as a second request arrives on it, without a byte of answer: the llama-server behaviour
/// behind defect 1 of issue 18, made deterministic. It also records the Authorization header of each request.
/// </summary>
internal sealed class KeepAliveLiar : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private int _connections;
    private int _dropped;

    public KeepAliveLiar()
    {
        _listener.Start();
        BaseAddress = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");
        _accepting = AcceptAsync();
    }

    public Uri BaseAddress { get; }

    /// <summary>Connections accepted so far.</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>Requests that arrived on a used connection and were dropped unanswered.</summary>
    public int Dropped => Volatile.Read(ref _dropped);

    public ConcurrentQueue<string?> Authorizations { get; } = new();

    /// <summary>The body of each answered request, by path.</summary>
    public ConcurrentQueue<(string Path, string Body)> Bodies { get; } = new();

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var socket = await _listener.AcceptSocketAsync(_stop.Token);
                Interlocked.Increment(ref _connections);
                _ = ServeAsync(socket);
            }
        }
        catch (Exception error) when (error is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        using var _ = socket;
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        try
        {
            var first = await ReadRequestAsync(stream);
            if (first is null) return;
            Authorizations.Enqueue(first.Authorization);
            Bodies.Enqueue((first.Path, first.Body));
            await AnswerAsync(stream, first.Path);

            // Keep-alive was promised; the next request on this connection is read and then dropped unanswered.
            if (await ReadRequestAsync(stream) is null) return;
            Interlocked.Increment(ref _dropped);
            socket.LingerState = new LingerOption(true, 0); // a reset, as a server that closed its end answers
        }
        catch (Exception error) when (error is IOException or SocketException or OperationCanceledException)
        {
            // The client went away.
        }
    }

    private static async Task AnswerAsync(NetworkStream stream, string path)
    {
        if (path.StartsWith("/completion", StringComparison.Ordinal))
        {
            var head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: keep-alive\r\nTransfer-Encoding: chunked\r\n\r\n";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
            foreach (var data in (string[])[
                         "data: {\"content\":\"Once\",\"stop\":false}\n\n",
                         "data: {\"content\":\" upon\",\"stop\":false}\n\n",
                         "data: {\"content\":\"\",\"stop\":true,\"tokens_evaluated\":3,\"tokens_predicted\":2,\"stop_type\":\"limit\"}\n\n"])
            {
                var bytes = Encoding.UTF8.GetBytes(data);
                await stream.WriteAsync(Encoding.ASCII.GetBytes($"{bytes.Length:x}\r\n"));
                await stream.WriteAsync(bytes);
                await stream.WriteAsync("\r\n"u8.ToArray());
            }
            await stream.WriteAsync("0\r\n\r\n"u8.ToArray());
            return;
        }
        var body = path.StartsWith("/health", StringComparison.Ordinal) ? "{\"status\":\"ok\"}" : "{\"tokens\":[1,2,3]}";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            $"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: keep-alive\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\n\r\n{body}"));
    }

    private sealed record Request(string Path, string? Authorization, string Body);

    /// <summary>Reads one request's head and its Content-Length body; null at a clean end of the connection.</summary>
    private static async Task<Request?> ReadRequestAsync(NetworkStream stream)
    {
        var head = new StringBuilder();
        var one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            if (await stream.ReadAsync(one) == 0) return null;
            head.Append((char)one[0]);
        }
        var lines = head.ToString().Split("\r\n");
        var length = 0;
        var chunked = false;
        string? authorization = null;
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0) continue;
            var name = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)) length = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
            if (name.Equals("Authorization", StringComparison.OrdinalIgnoreCase)) authorization = value;
            if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase)) chunked = value.Contains("chunked", StringComparison.OrdinalIgnoreCase);
        }
        var body = new MemoryStream();
        if (chunked)
        {
            // .NET sends a JSON body of unknown length in chunks: sizes in hex, each chunk and the last (0) closed by CRLF.
            while (true)
            {
                var size = Convert.ToInt32((await ReadLineAsync(stream)).Split(';')[0], 16);
                var chunk = new byte[size + 2];
                await stream.ReadExactlyAsync(chunk);
                body.Write(chunk, 0, size);
                if (size == 0) break;
            }
        }
        else
        {
            var bytes = new byte[length];
            await stream.ReadExactlyAsync(bytes);
            body.Write(bytes);
        }
        return new Request(lines[0].Split(' ')[1], authorization, Encoding.UTF8.GetString(body.ToArray()));
    }

    private static async Task<string> ReadLineAsync(NetworkStream stream)
    {
        var line = new StringBuilder();
        var one = new byte[1];
        while (!line.ToString().EndsWith("\r\n", StringComparison.Ordinal))
        {
            if (await stream.ReadAsync(one) == 0) throw new IOException("the connection ended inside a chunked body");
            line.Append((char)one[0]);
        }
        return line.ToString()[..^2];
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}

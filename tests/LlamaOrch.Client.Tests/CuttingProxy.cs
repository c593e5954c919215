using System.Net;
using System.Net.Sockets;
using System.Text;

namespace LlamaOrch.Client.Tests;

/// <summary>
/// A TCP proxy on 127.0.0.1 in front of orchestratord that breaks connections the way a flaky network does: it can
/// reset a task stream after it has passed a number of token frames, and swallow the answer to a task submission
/// (the server admitted it, the client never hears). Everything else passes through unchanged.
/// </summary>
internal sealed class CuttingProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Uri _upstream;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private int _streamCutsLeft;
    private int _tokensBeforeCut;
    private int _submitAnswersToDrop;

    public CuttingProxy(Uri upstream)
    {
        _upstream = upstream;
        _listener.Start();
        Address = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _accepting = AcceptAsync();
    }

    public Uri Address { get; }

    /// <summary>Connections cut so far.</summary>
    public int Cuts => _cuts;

    private int _cuts;

    /// <summary>Resets the next <paramref name="times"/> task streams once they have passed <paramref name="tokens"/> token frames.</summary>
    public void CutStreams(int tokens, int times)
    {
        _tokensBeforeCut = tokens;
        Volatile.Write(ref _streamCutsLeft, times);
    }

    /// <summary>Lets the next <paramref name="times"/> <c>POST /v1/tasks</c> reach the server, then drops their answers.</summary>
    public void DropSubmitAnswers(int times) => Volatile.Write(ref _submitAnswersToDrop, times);

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            _ = RelayAsync(client);
        }
    }

    private async Task RelayAsync(Socket client)
    {
        using var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var _ = client;
        try
        {
            await upstream.ConnectAsync(_upstream.Host, _upstream.Port, _stop.Token);
            var connection = new Connection();
            using var broken = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            var up = PumpRequestsAsync(client, upstream, connection, broken.Token);
            var down = PumpResponsesAsync(upstream, client, connection, broken.Token);
            await Task.WhenAny(up, down);
            broken.Cancel();
            if (connection.Cut)
            {
                // A reset, not a clean close: the client sees the stream break mid-body.
                client.LingerState = new LingerOption(true, 0);
            }
        }
        catch (Exception error) when (error is SocketException or OperationCanceledException or IOException)
        {
            // The test is over or a side went away: nothing to relay.
        }
        finally
        {
            client.Close();
        }
    }

    private static async Task PumpRequestsAsync(Socket from, Socket to, Connection connection, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        while (true)
        {
            var read = await from.ReceiveAsync(buffer, cancellationToken);
            if (read == 0) return;
            var head = Encoding.ASCII.GetString(buffer, 0, Math.Min(read, 200));
            if (head.StartsWith("GET ", StringComparison.Ordinal) || head.StartsWith("POST ", StringComparison.Ordinal)
                || head.StartsWith("PUT ", StringComparison.Ordinal) || head.StartsWith("DELETE ", StringComparison.Ordinal))
            {
                connection.Request = head[..Math.Max(0, head.IndexOf('\r') is var end and >= 0 ? end : head.Length)];
                connection.TokensSeen = 0;
                connection.Tail = "";
            }
            await to.SendAsync(buffer.AsMemory(0, read), cancellationToken);
        }
    }

    private async Task PumpResponsesAsync(Socket from, Socket to, Connection connection, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        while (true)
        {
            var read = await from.ReceiveAsync(buffer, cancellationToken);
            if (read == 0) return;
            var request = connection.Request ?? "";
            if (request.StartsWith("POST /v1/tasks ", StringComparison.Ordinal) && TakeOne(ref _submitAnswersToDrop))
            {
                connection.Cut = true;
                Interlocked.Increment(ref _cuts);
                return;
            }
            if (request.StartsWith("GET /v1/tasks/", StringComparison.Ordinal) && request.Contains("/stream", StringComparison.Ordinal)
                && Volatile.Read(ref _streamCutsLeft) > 0)
            {
                // Count whole "event: token" lines, also when one is split over two reads.
                var text = connection.Tail + Encoding.UTF8.GetString(buffer, 0, read);
                var at = 0;
                while ((at = text.IndexOf("event: token\n", at, StringComparison.Ordinal)) >= 0)
                {
                    connection.TokensSeen++;
                    at += 13;
                }
                connection.Tail = text.Length > 12 ? text[^12..] : text;
                if (connection.TokensSeen >= _tokensBeforeCut && TakeOne(ref _streamCutsLeft))
                {
                    connection.Cut = true;
                    Interlocked.Increment(ref _cuts);
                    return; // what it has passed so far ends mid-stream: the tokens of this read never arrive
                }
            }
            await to.SendAsync(buffer.AsMemory(0, read), cancellationToken);
        }
    }

    private static bool TakeOne(ref int counter)
    {
        while (true)
        {
            var left = Volatile.Read(ref counter);
            if (left <= 0) return false;
            if (Interlocked.CompareExchange(ref counter, left - 1, left) == left) return true;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }

    private sealed class Connection
    {
        public volatile string? Request;
        public int TokensSeen;
        public string Tail = "";
        public volatile bool Cut;
    }
}

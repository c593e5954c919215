using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using LlamaOrch.Testing;

namespace LlamaOrch.EndToEnd.Tests.LlamaServer;

/// <summary>
/// A real llama-server (<see cref="LlamaServerBuild"/>) that the test starts itself on 127.0.0.1, serving stories260K:
/// someone else's server, which orchestratord knows only by its URL.
/// </summary>
internal sealed class LlamaServerProcess : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private LlamaServerProcess(Process process, Uri url)
    {
        _process = process;
        Url = url;
    }

    public Uri Url { get; }

    public bool HasExited => _process.HasExited;

    /// <param name="args">More of llama-server's options, after the model, address, port and one thread.</param>
    public static async Task<LlamaServerProcess> StartAsync(params string[] args)
    {
        var port = FreePort();
        var start = new ProcessStartInfo(LlamaServerBuild.Path ?? throw new InvalidOperationException(LlamaServerBuild.Missing))
        {
            UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        foreach (var arg in (string[])["-m", RepoPaths.Stories260K, "--host", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture), "-t", "1", .. args])
            start.ArgumentList.Add(arg);
        var server = new LlamaServerProcess(Process.Start(start)!, new Uri($"http://127.0.0.1:{port}"));
        server._process.OutputDataReceived += (_, e) => server.Keep(e.Data);
        server._process.ErrorDataReceived += (_, e) => server.Keep(e.Data);
        server._process.BeginOutputReadLine();
        server._process.BeginErrorReadLine();
        try
        {
            await server.WaitHealthyAsync();
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
        return server;
    }

    /// <summary>The tokens llama-server makes of <paramref name="text"/>, BOS included, as it evaluates a prompt.</summary>
    public async Task<int> CountTokensAsync(string text)
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false });
        using var response = await http.PostAsJsonAsync(new Uri(Url, "/tokenize"), new JsonObject { ["content"] = text, ["add_special"] = true });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["tokens"]!.AsArray().Count;
    }

    /// <summary>The last lines it wrote, for a failed assertion's message.</summary>
    public string OutputTail => string.Join('\n', _output);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is null) return;
        _output.Enqueue(line);
        while (_output.Count > 40) _output.TryDequeue(out _);
    }

    private async Task WaitHealthyAsync()
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(5) };
        using var timeout = new CancellationTokenSource(Patience);
        while (true)
        {
            try
            {
                // 503 while it loads the model, 200 once it serves.
                using var health = await http.GetAsync(new Uri(Url, "/health"), timeout.Token);
                if (health.StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            Assert.False(_process.HasExited, $"llama-server exited with {(_process.HasExited ? _process.ExitCode : 0)}:\n{OutputTail}");
            await Task.Delay(50, timeout.Token);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace LlamaOrch.EndToEnd.Tests;

/// <summary>
/// A llorch-engine that the test starts itself, on a port it keeps, standing in for a remote llama.cpp server:
/// orchestratord only knows its URL. It can be killed and started again on the same port.
/// </summary>
internal sealed class UpstreamEngine : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly string _model;
    private readonly IReadOnlyList<string> _args;
    private Process? _process;

    private UpstreamEngine(string model, int port, IReadOnlyList<string> args)
    {
        _model = model;
        _args = args;
        Url = new Uri($"http://127.0.0.1:{port}");
    }

    public Uri Url { get; }

    public Process? Process => _process;

    public static async Task<UpstreamEngine> StartAsync(string model, params string[] args)
    {
        var engine = new UpstreamEngine(model, FreePort(), args);
        await engine.StartAgainAsync();
        return engine;
    }

    public async Task StartAgainAsync()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "engine", "llorch-engine.dll");
        var host = Environment.ProcessPath is { } current && Path.GetFileNameWithoutExtension(current) == "dotnet" ? current : "dotnet";
        var start = new ProcessStartInfo(host) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in (string[])[dll, "-m", _model, "--host", "127.0.0.1", "--port", Url.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), .. _args])
            start.ArgumentList.Add(arg);
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(5) };
        using var timeout = new CancellationTokenSource(Patience);
        while (true)
        {
            try
            {
                using var health = await http.GetAsync(new Uri(Url, "/health"), timeout.Token);
                if (health.StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            Assert.False(_process.HasExited, $"the upstream engine exited with {(_process.HasExited ? _process.ExitCode : 0)}");
            await Task.Delay(50, timeout.Token);
        }
    }

    public async Task KillAsync()
    {
        if (_process is not { HasExited: false } process) return;
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

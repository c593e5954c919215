using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace LlamaOrch.Bdd.Target;

/// <summary>
/// A llorch-engine the runner starts itself, standing in for a llama.cpp server on another machine: orchestratord
/// knows only its URL (an upstream replica) and never starts, restarts or stops it.
/// </summary>
internal sealed class UpstreamEngine : IAsyncDisposable
{
    private readonly Process _process;

    private UpstreamEngine(Process process, Uri url)
    {
        _process = process;
        Url = url;
    }

    public Uri Url { get; }

    public static async Task<UpstreamEngine> StartAsync(string engineDll, string model, int slots)
    {
        var port = OrchestratordProcess.FreeLoopbackPort();
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in (string[])[engineDll, "-m", model, "--host", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture), "-np", slots.ToString(CultureInfo.InvariantCulture)])
            start.ArgumentList.Add(arg);
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the upstream llorch-engine");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var engine = new UpstreamEngine(process, new Uri($"http://127.0.0.1:{port}"));
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited) throw new InvalidOperationException($"the upstream llorch-engine exited with {process.ExitCode}");
            try
            {
                using var health = await http.GetAsync(new Uri(engine.Url, "/health"));
                if (health.StatusCode == HttpStatusCode.OK) return engine;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }
            await Task.Delay(100);
        }
        await engine.DisposeAsync();
        throw new TimeoutException("the upstream llorch-engine was not healthy within 60 s");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;
using LlamaOrch.EngineHost.Hosting;

namespace LlamaOrch.EngineHost.Tests.Harness;

/// <summary>
/// A real llorch-engine process, started from this test's output folder with <c>dotnet</c>, listening on
/// 127.0.0.1 and a port of the OS's choosing. Disposing kills it whatever state the test left it in.
/// </summary>
internal sealed class EngineProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _stderr;
    private bool _disposed;

    private EngineProcess(Process process, ConcurrentQueue<string> stderr, Uri baseAddress)
    {
        _process = process;
        _stderr = stderr;
        Http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public HttpClient Http { get; }

    public int Pid => _process.Id;

    /// <param name="waitLoaded">False returns once the engine listens, while its model may still be loading.</param>
    public static async Task<EngineProcess> StartAsync(
        string model,
        IEnumerable<string>? extraArgs = null,
        IReadOnlyDictionary<string, string>? environment = null,
        bool waitLoaded = true)
    {
        List<string> args = ["-m", model, "--host", "127.0.0.1", "--port", "0", .. extraArgs ?? []];
        var process = Create(args, environment);
        var stderr = new ConcurrentQueue<string>();
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, line) =>
        {
            if (line.Data is null)
            {
                listening.TrySetException(new InvalidOperationException("stdout closed before the listening line"));
            }
            else if (line.Data.StartsWith(EngineApplication.ListeningLinePrefix, StringComparison.Ordinal))
            {
                listening.TrySetResult(new Uri(line.Data[EngineApplication.ListeningLinePrefix.Length..]));
            }
        };
        process.ErrorDataReceived += (_, line) =>
        {
            if (line.Data is not null)
            {
                stderr.Enqueue(line.Data);
            }
        };

        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var baseAddress = await listening.Task.WaitAsync(StartTimeout);
            var engine = new EngineProcess(process, stderr, baseAddress);
            // The engine listens before it loads its model (503 meanwhile), as llama-server does: wait for /health.
            if (waitLoaded) await Poll.UntilAsync(async () => (await engine.Http.GetAsync("/health")).IsSuccessStatusCode, "the model is loaded", StartTimeout);
            return engine;
        }
        catch (Exception exception)
        {
            await KillAsync(process);
            process.Dispose();
            throw new InvalidOperationException(
                $"llorch-engine {string.Join(' ', args)} did not start; stderr:\n{string.Join('\n', stderr)}",
                exception);
        }
    }

    /// <summary>Runs llorch-engine with exactly <paramref name="args"/> and waits for it to exit.</summary>
    public static async Task<EngineRun> RunToExitAsync(
        IEnumerable<string> args,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        using var process = Create(args, environment);
        process.Start();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(StartTimeout);
        }
        finally
        {
            await KillAsync(process);
        }

        return new EngineRun(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Waits for the engine to exit by itself and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        await _process.WaitForExitAsync().WaitAsync(timeout);
        return _process.ExitCode;
    }

    /// <summary>Kills the engine; a test may do this early to simulate a crash, and again at the end.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Http.Dispose();
        await KillAsync(_process);
        _process.Dispose();
    }

    private static Process Create(
        IEnumerable<string> args,
        IReadOnlyDictionary<string, string>? environment)
    {
        var start = new ProcessStartInfo(DotnetHost)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "llorch-engine.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment.Remove(ParentProcessWatcher.EnvironmentVariable);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        return new Process { StartInfo = start };
    }

    // The muxer that runs the tests runs the engine too, so a machine with several SDKs uses the same one.
    private static string DotnetHost =>
        Environment.ProcessPath is { } path
        && Path.GetFileNameWithoutExtension(path).Equals("dotnet", StringComparison.OrdinalIgnoreCase)
            ? path
            : "dotnet";

    private static async Task KillAsync(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            await process.WaitForExitAsync().WaitAsync(StartTimeout);
        }
        catch (InvalidOperationException)
        {
            // Never started, or already gone and reaped.
        }
    }
}

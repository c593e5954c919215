using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace LlamaOrch.Bdd.Target;

/// <summary>
/// One orchestratord for the whole run, started from the server's build output with synthetic (<c>sim:</c>)
/// pools only, a fresh data folder and a random token, on a free loopback port; stopped with SIGTERM after.
/// </summary>
internal sealed class OrchestratordProcess : IAsyncDisposable
{
    /// <summary>
    /// The pools the features rely on. <c>sim</c> streams quickly; <c>tight</c> runs one slow task at a time
    /// and queues one more, so a third is refused with 429; <c>ops</c> is the one scenarios drain and resume,
    /// so that no other scenario loses its pool; <c>stories</c> is real llama.cpp inference of the tiny
    /// stories260K model from <c>../shared/models</c> beside the repository (nothing is downloaded).
    /// </summary>
    public static readonly IReadOnlyList<(string Id, string Model, int Slots, int QueueCapacity)> Pools =
    [
        ("sim", "sim:bdd?tps=400", 2, 16),
        ("tight", "sim:tight?tps=2", 1, 1),
        ("ops", "sim:ops?tps=400", 1, 4),
        ("stories", RepoLayout.Stories260K, 2, 8),
    ];

    private readonly Process _process;
    private readonly StringBuilder _log = new();
    private readonly string _dataDir;

    public BddTarget Target { get; }

    private OrchestratordProcess(Process process, BddTarget target, string dataDir)
    {
        _process = process;
        Target = target;
        _dataDir = dataDir;
    }

    public static async Task<OrchestratordProcess> StartAsync(string orchestratordDll)
    {
        var port = FreeLoopbackPort();
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        var dataDir = Directory.CreateTempSubdirectory("llorch-bdd-").FullName;
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(orchestratordDll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");
        start.ArgumentList.Add($"--Orchestrator:DataDir={dataDir}");
        // Budgets are kept and enforced, but a session has none until a scenario sets one (Budgets:Tokens unset).
        start.ArgumentList.Add("--Orchestrator:Budgets:Mode=enforce");
        for (var i = 0; i < Pools.Count; i++)
        {
            var (id, model, slots, capacity) = Pools[i];
            start.ArgumentList.Add($"--Orchestrator:Pools:{i}:Id={id}");
            start.ArgumentList.Add($"--Orchestrator:Pools:{i}:Model={model}");
            start.ArgumentList.Add($"--Orchestrator:Pools:{i}:Slots={slots}");
            start.ArgumentList.Add($"--Orchestrator:Pools:{i}:Queue:Capacity={capacity}");
        }
        start.Environment["LLORCH_API_TOKEN"] = token;
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start dotnet");
        var started = new OrchestratordProcess(process, new BddTarget(new Uri($"http://127.0.0.1:{port}"), token, startedHere: true), dataDir);
        process.OutputDataReceived += (_, e) => started.Append(e.Data);
        process.ErrorDataReceived += (_, e) => started.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await started.WaitReadyAsync();
        return started;
    }

    /// <summary>The last lines orchestratord wrote, for a failure report.</summary>
    public string LogTail(int lines = 40)
    {
        lock (_log) return string.Join('\n', _log.ToString().Split('\n').TakeLast(lines));
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_log) _log.AppendLine(line);
    }

    private async Task WaitReadyAsync()
    {
        using var http = Target.NewClient();
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited) throw new InvalidOperationException($"orchestratord exited with {_process.ExitCode}:\n{LogTail()}");
            try
            {
                if ((await http.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"orchestratord was not ready within 120 s:\n{LogTail()}");
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            using (var term = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) await term.WaitForExitAsync();
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            try
            {
                await _process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        _process.Dispose();
        try
        {
            Directory.Delete(_dataDir, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by a late-exiting child; the temp folder is the OS's to clean.
        }
    }
}

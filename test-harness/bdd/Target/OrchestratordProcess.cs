using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace LlamaOrch.Bdd.Target;

/// <summary>
/// One orchestratord for the whole run, started from the server's build output with synthetic (<c>sim:</c>) pools
/// and the tiny real model, a fresh data folder and a random token, on a free loopback port; stopped with SIGTERM
/// after. Beside it the runner starts what some scenarios reach through it: a stand-in nvidia-smi (the reference
/// box's two GPUs), a loopback HTTP server for the tools (on the tool policy's allow list) and a llorch-engine of
/// its own that one pool uses as an upstream replica.
/// </summary>
internal sealed class OrchestratordProcess : IAsyncDisposable
{
    /// <summary>
    /// The pools the features rely on. <c>sim</c> streams quickly; <c>tight</c> runs one slow task at a time
    /// and queues one more, so a third is refused with 429; <c>ops</c> is the one scenarios drain and resume,
    /// so that no other scenario loses its pool; <c>stories</c> is real llama.cpp inference of the tiny
    /// stories260K model from <c>../shared/models</c> beside the repository (nothing is downloaded); <c>order</c>
    /// runs one task at a time behind a deep queue, for the order of dispatch; <c>gpu-big</c> and <c>gpu-mid</c>
    /// are placed on the stand-in GPUs by the memory they declare; <c>remote</c> is served only by the runner's
    /// own llorch-engine, an upstream replica.
    /// </summary>
    public static readonly IReadOnlyList<BddPool> Pools =
    [
        new("sim", "sim:bdd?tps=400", 2, 16),
        new("tight", "sim:tight?tps=2", 1, 1),
        new("ops", "sim:ops?tps=400", 1, 4),
        new("stories", RepoLayout.Stories260K, 2, 8),
        new("order", "sim:order?tps=20", 1, 8),
        // 18000 MiB fits only the 3090; then 6000 MiB goes to the card with the most free memory left, the 3060.
        new("gpu-big", "sim:gpubig?tps=400&vram_mib=18000", 1, 4, "Devices:0=auto"),
        new("gpu-mid", "sim:gpumid?tps=400&vram_mib=6000", 1, 4, "Devices:0=auto"),
        new("remote", "sim:remote?tps=400", 2, 8, "Upstreams:0:Url={upstream}", "Upstreams:0:Protocol=llamacpp"),
    ];

    /// <summary>The data-flow rule that refuses a prompt (403 POLICY_DENIED, this name as its policy_label).</summary>
    public const string RefusingRule = "bdd-no-codenames";

    private readonly Process _process;
    private readonly StringBuilder _log = new();
    private readonly string _dataDir;
    private readonly ToolTarget _tools;
    private readonly UpstreamEngine _upstream;

    public BddTarget Target { get; }

    private OrchestratordProcess(Process process, Uri baseAddress, string token, string dataDir, ToolTarget tools, UpstreamEngine upstream)
    {
        _process = process;
        _dataDir = dataDir;
        _tools = tools;
        _upstream = upstream;
        Target = new BddTarget(baseAddress, token, startedHere: true) { DataDir = dataDir, LogTail = LogTail, ToolTargetPort = tools.Port };
    }

    public static async Task<OrchestratordProcess> StartAsync(string orchestratordDll)
    {
        var port = FreeLoopbackPort();
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        var dataDir = Directory.CreateTempSubdirectory("llorch-bdd-").FullName;
        var tools = ToolTarget.Start();
        UpstreamEngine upstream;
        try
        {
            upstream = await UpstreamEngine.StartAsync(RepoLayout.EngineDll(orchestratordDll), "sim:remote?tps=400", slots: 2);
        }
        catch
        {
            await tools.DisposeAsync();
            throw;
        }
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
            var pool = Pools[i];
            start.ArgumentList.Add($"--Orchestrator:Pools:{i}:Id={pool.Id}");
            start.ArgumentList.Add($"--Orchestrator:Pools:{i}:Model={pool.Model}");
            start.ArgumentList.Add($"--Orchestrator:Pools:{i}:Slots={pool.Slots}");
            start.ArgumentList.Add($"--Orchestrator:Pools:{i}:Queue:Capacity={pool.QueueCapacity}");
            foreach (var setting in pool.Settings)
                start.ArgumentList.Add($"--Orchestrator:Pools:{i}:{setting.Replace("{upstream}", upstream.Url.ToString().TrimEnd('/'), StringComparison.Ordinal)}");
        }
        // Catalog entries may name the shared test models by their hf: refs; nothing is ever downloaded.
        start.ArgumentList.Add($"--Orchestrator:Models:SearchPaths:0={Path.GetDirectoryName(RepoLayout.Stories260K)}");
        start.ArgumentList.Add("--Orchestrator:Models:Offline=true");
        start.ArgumentList.Add($"--Orchestrator:Devices:NvidiaSmi={FakeNvidiaSmi.Create(dataDir)}");
        // The tools may reach the runner's own server (an exact allow entry opens its loopback address and port);
        // denied.example is refused by name before any lookup.
        start.ArgumentList.Add($"--Orchestrator:Tools:Http:AllowHosts:0=127.0.0.1:{tools.Port}");
        start.ArgumentList.Add("--Orchestrator:Tools:Http:DenyHosts:0=denied.example");
        start.ArgumentList.Add($"--Orchestrator:Tools:Search:Url=http://127.0.0.1:{tools.Port}/search");
        // The default data-flow rule (secrets are redacted) and one that refuses a prompt naming a codename.
        string[] rules =
        [
            "0:Name=secrets", "0:Action=redact", "0:Detectors:0=provider-api-key", "0:Detectors:1=github-token",
            "0:Detectors:2=aws-access-key", "0:Detectors:3=private-key",
            $"1:Name={RefusingRule}", "1:Action=refuse", "1:AppliesTo=prompts", "1:Pattern=(?i)project nightingale",
        ];
        foreach (var rule in rules) start.ArgumentList.Add($"--Orchestrator:Tools:DataFlow:Rules:{rule}");
        start.Environment["LLORCH_API_TOKEN"] = token;
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start dotnet");
        var started = new OrchestratordProcess(process, new Uri($"http://127.0.0.1:{port}"), token, dataDir, tools, upstream);
        process.OutputDataReceived += (_, e) => started.Append(e.Data);
        process.ErrorDataReceived += (_, e) => started.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await started.WaitReadyAsync();
        }
        catch
        {
            await started.DisposeAsync();
            throw;
        }
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

    public static int FreeLoopbackPort()
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
        await _upstream.DisposeAsync();
        await _tools.DisposeAsync();
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

using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace LlamaOrch.Bench.Processes;

/// <summary>A running orchestratord that the bench started and configured through its command line.</summary>
internal sealed class OrchestratorProcess
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(90);

    private OrchestratorProcess(ChildProcess child, Uri baseAddress)
    {
        Child = child;
        BaseAddress = baseAddress;
    }

    public ChildProcess Child { get; }

    public Uri BaseAddress { get; }

    public int Pid => Child.Pid;

    /// <summary>The engine replicas orchestratord spawned, for CPU accounting.</summary>
    public IReadOnlyList<int> EnginePids => ProcStats.ChildrenOf(Pid);

    public static async Task<OrchestratorProcess> StartAsync(
        ChildProcesses children, RepoLayout layout, string name, IReadOnlyList<PoolSpec> pools, string apiToken,
        string dataDirectory, BenchOptions options, HttpClient http, CancellationToken cancellationToken)
    {
        var port = FreePort.Next();
        var args = new List<string>
        {
            "--urls", $"http://127.0.0.1:{port}",
            $"--Orchestrator:DataDir={Path.Combine(dataDirectory, name)}",
        };
        for (var index = 0; index < pools.Count; index++)
        {
            var pool = pools[index];
            var key = $"--Orchestrator:Pools:{index}:";
            args.Add($"{key}Id={pool.Id}");
            args.Add($"{key}Model={pool.Model}");
            args.Add($"{key}Slots={pool.Slots.ToString(CultureInfo.InvariantCulture)}");
            args.Add($"{key}Queue:Capacity={pool.QueueCapacity.ToString(CultureInfo.InvariantCulture)}");
            if (pool.Engine is { } engine) args.Add($"{key}Engine={engine}");
            if (pool.Upstream is { } upstream)
            {
                args.Add($"{key}Replicas=0");
                args.Add($"{key}Upstreams:0:Url={upstream.Url}");
                args.Add($"{key}Upstreams:0:Protocol={upstream.Protocol}");
                if (upstream.Model is { } model) args.Add($"{key}Upstreams:0:Model={model}");
                if (upstream.ApiKeyEnv is { } variable) args.Add($"{key}Upstreams:0:ApiKeyEnv={variable}");
            }
            else if (pool.Replicas != 1) args.Add($"{key}Replicas={pool.Replicas.ToString(CultureInfo.InvariantCulture)}");
        }
        args.AddRange(options.OrchestratorArgs);
        var environment = new Dictionary<string, string>(options.OrchestratorEnvironment) { ["LLORCH_API_TOKEN"] = apiToken };

        // Run from the install folder so that the shipped appsettings.json (its log levels) applies, as it
        // does for a service started there; from elsewhere ASP.NET would log every request at Information.
        var child = children.StartDotnet(name, layout.DotnetHost, layout.OrchestratorDll, args,
            workingDirectory: Path.GetDirectoryName(layout.OrchestratorDll)!,
            environment);
        var orchestrator = new OrchestratorProcess(child, new Uri($"http://127.0.0.1:{port}/"));
        await orchestrator.WaitReadyAsync(http, cancellationToken);
        return orchestrator;
    }

    /// <summary>Queue depth of one pool as /health reports it.</summary>
    public async Task<int> QueueDepthAsync(HttpClient http, string poolId, CancellationToken cancellationToken)
    {
        using var health = await HealthAsync(http, cancellationToken);
        foreach (var pool in health.RootElement.GetProperty("pools").EnumerateArray())
        {
            if (pool.GetProperty("id").GetString() == poolId) return pool.GetProperty("queue_depth").GetInt32();
        }
        return -1;
    }

    /// <summary>
    /// Waits until every replica of every pool is ready (<c>/health</c>'s <c>replicas_ready</c> = <c>replicas_total</c>):
    /// orchestratord reports ready once one replica is, and many engine processes take a while to start on a small machine.
    /// </summary>
    public async Task WaitAllReplicasAsync(HttpClient http, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            using (var health = await HealthAsync(http, cancellationToken))
            {
                var all = true;
                foreach (var pool in health.RootElement.GetProperty("pools").EnumerateArray())
                    all &= pool.GetProperty("replicas_ready").GetInt32() == pool.GetProperty("replicas_total").GetInt32();
                if (all) return;
            }
            if (Child.HasExited) throw new BenchSetupException($"orchestratord exited while its replicas started: {Child.Tail()}");
            if (Stopwatch.GetElapsedTime(started) > timeout)
                throw new BenchSetupException($"not every replica was ready within {timeout.TotalSeconds:0} s");
            await Task.Delay(200, cancellationToken);
        }
    }

    /// <summary>The sum of every pool's queue depth as /health reports it.</summary>
    public async Task<int> TotalQueueDepthAsync(HttpClient http, CancellationToken cancellationToken)
    {
        using var health = await HealthAsync(http, cancellationToken);
        var depth = 0;
        foreach (var pool in health.RootElement.GetProperty("pools").EnumerateArray()) depth += pool.GetProperty("queue_depth").GetInt32();
        return depth;
    }

    private async Task WaitReadyAsync(HttpClient http, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(started) < ReadyTimeout)
        {
            if (Child.HasExited) throw new BenchSetupException($"orchestratord exited during start: {Child.Tail()}");
            try
            {
                using var health = await HealthAsync(http, cancellationToken);
                if (health.RootElement.GetProperty("ready").GetBoolean()) return;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            await Task.Delay(100, cancellationToken);
        }
        throw new BenchSetupException($"orchestratord did not report ready within {ReadyTimeout.TotalSeconds:0} s: {Child.Tail()}");
    }

    private async Task<JsonDocument> HealthAsync(HttpClient http, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(new Uri(BaseAddress, "health"), cancellationToken);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        return await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken);
    }
}

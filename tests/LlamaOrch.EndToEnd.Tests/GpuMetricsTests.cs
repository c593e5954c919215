using System.Net.Http.Json;
using System.Text.Json.Nodes;
using LlamaOrch.Engines.Devices;
using LlamaOrch.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlamaOrch.EndToEnd.Tests;

/// <summary>
/// <c>gpu_utilization</c> and <c>vram_used_bytes</c> on a 3090 (24 GB) + 3060 (12 GB) box. There is no GPU here:
/// a stand-in nvidia-smi reports the two cards (and, where a test says so, compute apps for the engines' pids), and
/// sim replicas are placed on them and on the CPU.
/// </summary>
public sealed class GpuMetricsTests : IDisposable
{
    private const long MiB = 1024 * 1024;

    private readonly string _dir = Directory.CreateTempSubdirectory("llorch-gpumetrics-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Each_replica_on_a_gpu_reports_its_devices_utilization_and_used_vram_and_cpu_replicas_report_none()
    {
        var smi = FakeNvidiaSmi.Create(_dir, """
            0, GPU-6a3f0e4b-2c1d-4e5f-8a9b-0c1d2e3f4a5b, NVIDIA GeForce RTX 3090, 24576, 9216, 15360, 37
            1, GPU-9b8a7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d, NVIDIA GeForce RTX 3060, 12288, 420, 11868, 5
            """);
        await using var orchestrator = await Orchestrator.StartAsync(
            $"Devices:NvidiaSmi={smi}",
            "Pools:0:Id=big", "Pools:0:Model=sim:big", "Pools:0:Devices:0=0", "Pools:0:Replicas=2",
            "Pools:1:Id=small", "Pools:1:Model=sim:small", "Pools:1:Devices:0=1",
            "Pools:2:Id=cpu", "Pools:2:Model=sim:cpu", "Pools:2:Devices:0=cpu");
        // Ready means some pool is: the other pools' replicas may still be loading, without a device or version yet.
        JsonArray replicas = [];
        await OrchestratordProcess.WaitForAsync(async () =>
        {
            replicas = (await orchestrator.Http.GetFromJsonAsync<JsonArray>("/v1/replicasets"))!;
            return replicas.Count == 4 && replicas.All(r => r!["state"]!.GetValue<string>() == "ready");
        });
        var version = replicas.Single(r => r!["id"]!.GetValue<string>() == "big-r0")!["engine_version"]!.GetValue<string>();

        var metrics = PrometheusExposition.Parse(await orchestrator.Http.GetStringAsync("/metrics"));

        Dictionary<string, string> On(string pool, string replica, string device) => new()
        {
            ["engine"] = "llamacpp", ["engine_version"] = version, ["pool_id"] = pool, ["replica_id"] = replica, ["device"] = device,
        };
        var expected = new[] { On("big", "big-r0", "0"), On("big", "big-r1", "0"), On("small", "small-r0", "1") };
        foreach (var series in new[] { "gpu_utilization", "vram_used_bytes" })
        {
            Assert.Equal("gauge", metrics.Types[series]);
            Assert.Equal(expected.Select(Key).Order(), metrics.Of(series).Select(s => Key(s.Labels)).Order());
        }
        Assert.Equal(37, Value(metrics, "gpu_utilization", "big-r0"));
        Assert.Equal(37, Value(metrics, "gpu_utilization", "big-r1"));
        Assert.Equal(5, Value(metrics, "gpu_utilization", "small-r0"));
        Assert.Equal(9216 * MiB, Value(metrics, "vram_used_bytes", "big-r0"));
        Assert.Equal(9216 * MiB, Value(metrics, "vram_used_bytes", "big-r1"));
        Assert.Equal(420 * MiB, Value(metrics, "vram_used_bytes", "small-r0"));
    }

    [Fact]
    public async Task A_card_that_does_not_report_utilization_has_used_vram_but_no_gpu_utilization()
    {
        var smi = FakeNvidiaSmi.Create(_dir, """
            0, GPU-9b8a7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d, NVIDIA GeForce RTX 3060, 12288, 420, 11868, [N/A]
            """);
        await using var orchestrator = await Orchestrator.StartAsync($"Devices:NvidiaSmi={smi}", "Pools:0:Id=p", "Pools:0:Model=sim:p", "Pools:0:Devices:0=0");

        var metrics = PrometheusExposition.Parse(await orchestrator.Http.GetStringAsync("/metrics"));

        Assert.Empty(metrics.Of("gpu_utilization"));
        Assert.Equal(420 * MiB, Value(metrics, "vram_used_bytes", "p-r0"));
    }

    [Fact]
    public async Task Replicas_sharing_a_gpu_report_their_own_processes_vram_and_an_unlisted_one_its_devices()
    {
        const string Rtx3090 = "GPU-6a3f0e4b-2c1d-4e5f-8a9b-0c1d2e3f4a5b";
        const string Rtx3060 = "GPU-9b8a7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d";
        var smi = FakeNvidiaSmi.Create(_dir, $"""
            0, {Rtx3090}, NVIDIA GeForce RTX 3090, 24576, 9216, 15360, 37
            1, {Rtx3060}, NVIDIA GeForce RTX 3060, 12288, 420, 11868, 5
            """);
        await using var orchestrator = await Orchestrator.StartAsync(
            $"Devices:NvidiaSmi={smi}",
            "Pools:0:Id=big", "Pools:0:Model=sim:big", "Pools:0:Devices:0=0", "Pools:0:Replicas=2",
            "Pools:1:Id=small", "Pools:1:Model=sim:small", "Pools:1:Devices:0=1");
        await OrchestratordProcess.WaitForAsync(async () =>
            (await orchestrator.Http.GetFromJsonAsync<JsonArray>("/v1/replicasets"))! is { Count: 3 } replicas
            && replicas.All(r => r!["state"]!.GetValue<string>() == "ready"));
        int Pid(string replica) => orchestrator.Supervisor.EngineProcessId(replica)!.Value;

        // small-r0's engine is listed, but on the other card, and another program (pid 1) holds memory on its own:
        // neither is small-r0's memory on GPU 1, so it reports the device's.
        FakeNvidiaSmi.ReportComputeApps(_dir, $"""
            {Pid("big-r0")}, {Rtx3090}, 3072
            {Pid("big-r1")}, {Rtx3090}, 5120
            {Pid("small-r0")}, {Rtx3090}, 64
            1, {Rtx3060}, 100
            """);
        await orchestrator.Services.GetRequiredService<DeviceInventory>().RefreshAsync(CancellationToken.None);

        var metrics = PrometheusExposition.Parse(await orchestrator.Http.GetStringAsync("/metrics"));

        Assert.Equal(3072 * MiB, Value(metrics, "vram_used_bytes", "big-r0"));
        Assert.Equal(5120 * MiB, Value(metrics, "vram_used_bytes", "big-r1"));
        Assert.Equal(420 * MiB, Value(metrics, "vram_used_bytes", "small-r0"));
        Assert.Equal(37, Value(metrics, "gpu_utilization", "big-r0"));
        Assert.Equal(37, Value(metrics, "gpu_utilization", "big-r1"));
    }

    [Fact]
    public async Task A_failing_process_query_is_logged_once_and_every_replica_reports_its_devices_vram()
    {
        var smi = FakeNvidiaSmi.Create(_dir, """
            0, GPU-6a3f0e4b-2c1d-4e5f-8a9b-0c1d2e3f4a5b, NVIDIA GeForce RTX 3090, 24576, 9216, 15360, 37
            """);
        await using var orchestrator = await Orchestrator.StartAsync(
            $"Devices:NvidiaSmi={smi}", "Devices:RefreshSeconds=1", "Pools:0:Id=p", "Pools:0:Model=sim:p", "Pools:0:Devices:0=0");
        var logs = new LogCapture();
        orchestrator.Services.GetRequiredService<ILoggerFactory>().AddProvider(logs);
        var pid = orchestrator.Supervisor.EngineProcessId("p-r0")!.Value;
        FakeNvidiaSmi.ReportComputeApps(_dir, $"{pid}, GPU-6a3f0e4b-2c1d-4e5f-8a9b-0c1d2e3f4a5b, 3072\n", exitCode: 6);

        // Three failed refreshes: the first has logged by the time the third has probed (one loop runs them in turn).
        var inventory = orchestrator.Services.GetRequiredService<DeviceInventory>();
        var probes = new HashSet<DateTimeOffset>();
        await OrchestratordProcess.WaitForAsync(() =>
        {
            if (inventory.Current is { ProcessProbeError: not null } failed) probes.Add(failed.ProbedAt);
            return probes.Count >= 3;
        });
        var metrics = PrometheusExposition.Parse(await orchestrator.Http.GetStringAsync("/metrics"));

        var warning = Assert.Single(logs.Entries, e => e.Message.StartsWith("GPU process query", StringComparison.Ordinal));
        Assert.Contains("exit code 6", warning.Message);
        Assert.Equal(9216 * MiB, Value(metrics, "vram_used_bytes", "p-r0"));
    }

    private static string Key(IReadOnlyDictionary<string, string> labels) =>
        string.Join(",", labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}"));

    private static double Value(PrometheusExposition metrics, string series, string replica) =>
        metrics.Of(series).Single(s => s.Labels["replica_id"] == replica).Value;
}

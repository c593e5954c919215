using System.Net.Http.Json;
using System.Text.Json.Nodes;
using LlamaOrch.Testing;

namespace LlamaOrch.EndToEnd.Tests;

/// <summary>
/// <c>gpu_utilization</c> and <c>vram_used_bytes</c> on a 3090 (24 GB) + 3060 (12 GB) box. There is no GPU here:
/// a stand-in nvidia-smi reports the two cards, and sim replicas are placed on them and on the CPU.
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

    private static string Key(IReadOnlyDictionary<string, string> labels) =>
        string.Join(",", labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}"));

    private static double Value(PrometheusExposition metrics, string series, string replica) =>
        metrics.Of(series).Single(s => s.Labels["replica_id"] == replica).Value;
}

using LlamaOrch.Testing;
using System.Text.Json.Nodes;

namespace LlamaOrch.EndToEnd.Tests;

/// <summary>GET /v1/devices against a stand-in nvidia-smi on a 3090 + 3060 box, and on a machine with no GPU.</summary>
public sealed class DevicesTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("llorch-devices-").FullName;

    [Fact]
    public async Task Lists_each_gpu_with_its_vram_and_the_replicas_placed_on_it()
    {
        var smi = FakeSmi("""
            0, GPU-6a3f0e4b-2c1d-4e5f-8a9b-0c1d2e3f4a5b, NVIDIA GeForce RTX 3090, 24576, 1536, 22741, 7
            1, GPU-9b8a7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d, NVIDIA GeForce RTX 3060, 12288, 420, 11611, [N/A]
            """);
        await using var orchestrator = await Orchestrator.StartAsync(
            $"Devices:NvidiaSmi={smi}",
            "Pools:0:Id=big", "Pools:0:Model=sim:big", "Pools:0:Devices:0=0", "Pools:0:Replicas=2",
            "Pools:1:Id=small", "Pools:1:Model=sim:small", "Pools:1:Devices:0=1");

        var devices = await DevicesAsync(orchestrator);

        Assert.Equal(2, devices.Count);
        Assert.Equal("NVIDIA GeForce RTX 3090", devices[0]["name"]!.GetValue<string>());
        Assert.Equal(24576L * 1024 * 1024, devices[0]["total_vram_bytes"]!.GetValue<long>());
        Assert.Equal(22741L * 1024 * 1024, devices[0]["free_vram_bytes"]!.GetValue<long>());
        Assert.Equal(["big-r0", "big-r1"], Replicas(devices[0]));
        Assert.Equal(["small-r0"], Replicas(devices[1]));
        Assert.Null(devices[1]["utilization_percent"]);
    }

    [Fact]
    public async Task Without_a_usable_gpu_the_cpu_is_the_device_and_a_driver_failure_is_reported()
    {
        var smi = FakeSmi("NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.\n", exitCode: 9);
        await using var orchestrator = await Orchestrator.StartAsync([$"Devices:NvidiaSmi={smi}", .. Orchestrator.Pool("sim:x")]);

        var body = await BodyAsync(orchestrator);
        var device = Assert.Single(body["devices"]!.AsArray())!;

        Assert.Equal("cpu", device["kind"]!.GetValue<string>());
        Assert.Equal(["p-r0"], Replicas(device));
        Assert.Contains("couldn't communicate with the NVIDIA driver", body["probe_error"]!.GetValue<string>());
    }

    /// <summary>The inventory once the first probe (run as orchestratord starts) has finished.</summary>
    private static async Task<JsonObject> BodyAsync(Orchestrator orchestrator)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var body = JsonNode.Parse(await orchestrator.Http.GetStringAsync("/v1/devices", timeout.Token))!.AsObject();
            if (body["probed_ms"] is not null) return body;
            await Task.Delay(50, timeout.Token);
        }
    }

    private static async Task<List<JsonNode>> DevicesAsync(Orchestrator orchestrator) =>
        (await BodyAsync(orchestrator))["devices"]!.AsArray().Select(d => d!).ToList();

    private static List<string> Replicas(JsonNode device) => device["replicas"]!.AsArray().Select(r => r!.GetValue<string>()).ToList();

    private string FakeSmi(string output, int exitCode = 0) => FakeNvidiaSmi.Create(_dir, output, exitCode);

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}

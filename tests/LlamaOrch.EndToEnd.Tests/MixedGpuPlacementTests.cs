using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using LlamaOrch.Testing;

namespace LlamaOrch.EndToEnd.Tests;

/// <summary>
/// Placement on the box the spec names: an RTX 3090 (24 GB) and an RTX 3060 (12 GB), seen through a stand-in
/// nvidia-smi, with real llorch-engine replicas serving synthetic models of declared sizes (vram_mib).
/// Replicas are placed in configuration order, each on the GPU with the most available memory that fits.
/// </summary>
public sealed class MixedGpuPlacementTests : IAsyncLifetime
{
    private const long MiB = 1024 * 1024;
    private const string Big = "sim:big?tps=400&vram_mib=18000";
    private const string Mid = "sim:mid?tps=400&vram_mib=6000";
    private const string Small = "sim:small?tps=100&vram_mib=2000";

    private readonly string _dir = Directory.CreateTempSubdirectory("llorch-mixed-").FullName;
    private Orchestrator _orchestrator = null!;

    public async Task InitializeAsync()
    {
        // Other programs hold 1536 MiB on the 3090 and 420 MiB on the 3060; that memory counts as used.
        var smi = FakeNvidiaSmi.Create(_dir, """
            0, GPU-6a3f0e4b-2c1d-4e5f-8a9b-0c1d2e3f4a5b, NVIDIA GeForce RTX 3090, 24576, 1536, 23040, 3
            1, GPU-9b8a7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d, NVIDIA GeForce RTX 3060, 12288, 420, 11868, 0
            """);
        _orchestrator = await Orchestrator.StartAsync(false,
            $"Devices:NvidiaSmi={smi}",
            "Supervisor:RestartBackoffMaxMs=500",
            "Pools:0:Id=big", $"Pools:0:Model={Big}", "Pools:0:Devices:0=auto", "Pools:0:Slots=2",
            "Pools:1:Id=mid", $"Pools:1:Model={Mid}", "Pools:1:Devices:0=auto", "Pools:1:Replicas=2", "Pools:1:Slots=2",
            "Pools:2:Id=small", $"Pools:2:Model={Small}", "Pools:2:Devices:0=auto", "Pools:2:Replicas=2", "Pools:2:Slots=2");
        await _orchestrator.WaitUntilAsync(h => h["pools"]!.AsArray().All(p => p!["ready"]!.GetValue<bool>()));
        // mid-r1 never fits; wait until its refusal has been reported.
        await WaitForAsync(async () => (await ReplicaAsync("mid-r1"))["state"]!.GetValue<string>() == "down");
    }

    [Fact]
    public async Task A_model_that_fits_only_the_3090_lands_there_and_each_next_replica_takes_the_least_loaded_card()
    {
        Assert.Equal(["0"], Devices(await ReplicaAsync("big-r0")));   // 18000 MiB fits only the 3090 (23040 free)
        Assert.Equal(["1"], Devices(await ReplicaAsync("mid-r0")));   // 3060 has 11868 left, 3090 only 5040
        Assert.Equal(["1"], Devices(await ReplicaAsync("small-r0"))); // 3060 5868 > 3090 5040
        Assert.Equal(["0"], Devices(await ReplicaAsync("small-r1"))); // 3090 5040 > 3060 3868
    }

    [Fact]
    public async Task The_3060_is_never_oversubscribed_and_the_refusal_names_each_card_and_its_shortfall()
    {
        var refused = await ReplicaAsync("mid-r1");
        Assert.Empty(Devices(refused));
        var reason = refused["last_error"]!.GetValue<string>();
        Assert.Contains("NVIDIA GeForce RTX 3060", reason);
        Assert.Contains("NVIDIA GeForce RTX 3090", reason);
        Assert.Contains("short", reason);
        var health = await _orchestrator.Http.GetFromJsonAsync<JsonObject>("/v1/pools/mid/health");
        Assert.Contains("no GPU can hold it", health!["last_error"]!.GetValue<string>());

        var devices = (await _orchestrator.Http.GetFromJsonAsync<JsonObject>("/v1/devices"))!["devices"]!.AsArray();
        foreach (var device in devices)
        {
            var total = device!["total_vram_bytes"]!.GetValue<long>();
            var external = total - device["free_vram_bytes"]!.GetValue<long>();
            Assert.True(device["reserved_vram_bytes"]!.GetValue<long>() + external <= total, device.ToJsonString());
        }
        var rtx3060 = devices.Single(d => d!["index"]!.GetValue<int>() == 1)!;
        Assert.Equal((6000 + 2000) * MiB, rtx3060["reserved_vram_bytes"]!.GetValue<long>());
        Assert.Equal(["mid-r0", "small-r0"], rtx3060["replicas"]!.AsArray().Select(r => r!.GetValue<string>()).Order().ToList());
    }

    [Fact]
    public async Task Concurrent_tasks_spread_over_the_least_busy_replicas_and_a_device_mask_is_honoured()
    {
        var spread = new List<JsonObject>();
        for (var i = 0; i < 4; i++) spread.Add(await _orchestrator.AdmitAsync(Orchestrator.Task(Small, maxTokens: 200)));
        var replicas = await Task.WhenAll(spread.Select(t => StartedOnAsync(t["task_id"]!.GetValue<string>())));
        // Two slots on each replica: the least-busy rule fills them evenly.
        Assert.Equal(2, replicas.Count(r => r == "small-r0"));
        Assert.Equal(2, replicas.Count(r => r == "small-r1"));
        foreach (var task in spread) await _orchestrator.CancelAsync(task["task_id"]!.GetValue<string>());

        var masked = Orchestrator.Task(Small, maxTokens: 4);
        masked["placement"] = new JsonObject { ["require_device_mask"] = "0" };
        var admitted = await _orchestrator.AdmitAsync(masked);
        Assert.Equal("small-r1", await StartedOnAsync(admitted["task_id"]!.GetValue<string>()));

        var nowhere = Orchestrator.Task(Mid, maxTokens: 4);
        nowhere["placement"] = new JsonObject { ["require_device_mask"] = "0" };
        using var refused = await _orchestrator.SubmitAsync(nowhere);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("mid-r0 on 1", (await Orchestrator.ErrorOf(refused))["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Replicasets_publish_capacity_per_replica()
    {
        var sets = (await _orchestrator.Http.GetFromJsonAsync<JsonArray>("/v1/replicasets"))!;
        Assert.Equal(5, sets.Count);
        var big = sets.Single(r => r!["id"]!.GetValue<string>() == "big-r0")!;
        Assert.Equal("big", big["pool_id"]!.GetValue<string>());
        Assert.Equal("llamacpp", big["engine"]!.GetValue<string>());
        Assert.Equal(Big, big["model"]!.GetValue<string>());
        Assert.Equal(2, big["slots_total"]!.GetValue<int>());
        Assert.Equal("ready", big["state"]!.GetValue<string>());
        Assert.Contains("sim", big["engine_version"]!.GetValue<string>());
    }

    private async Task<string> StartedOnAsync(string taskId)
    {
        await foreach (var frame in _orchestrator.FollowAsync(taskId))
            if (frame.Event == "started") return frame.Data.GetProperty("replica_id").GetString()!;
        throw new InvalidOperationException($"task {taskId} never started");
    }

    private async Task<JsonObject> ReplicaAsync(string id) =>
        (await _orchestrator.Http.GetFromJsonAsync<JsonArray>("/v1/replicasets"))!.Single(r => r!["id"]!.GetValue<string>() == id)!.AsObject();

    private static List<string> Devices(JsonObject replica) => replica["devices"]!.AsArray().Select(d => d!.GetValue<string>()).ToList();

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (!await condition()) await Task.Delay(50, timeout.Token);
    }

    public async Task DisposeAsync()
    {
        await _orchestrator.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }
}

using System.Text.Json;
using LlamaOrch.EndToEnd.Tests;

namespace LlamaOrch.Client.Tests;

/// <summary>llorch top's one-frame outputs (--json, --once) against a real orchestratord with sim pools.</summary>
public sealed class CliTopTests(SimServer server) : IClassFixture<SimServer>
{
    private string[] Target => LiveCli.Target(server.Orchestrator.Address, Orchestrator.Token);

    [Fact]
    public async Task Json_gives_one_frame_with_each_pools_slots_queues_and_the_replicas_and_devices()
    {
        var held = Orchestrator.Task(SimServer.Slow, "keep a slot busy", maxTokens: 500, ctx: 512);
        await server.Orchestrator.AdmitAsync(held);
        try
        {
            await LiveCli.WaitForAsync(async () => await ServerProbe.BusySlotsAsync(server.Orchestrator.Http, "slow") == 1, "the slow pool runs the task");
            var (code, stdout, stderr) = await LiveCli.RunAsync(["top", "--json", "--interval", "0.2", .. Target]);

            Assert.True(code == 0, stderr);
            var frame = JsonDocument.Parse(stdout).RootElement;
            Assert.False(string.IsNullOrEmpty(frame.GetProperty("api_version").GetString()));
            var pools = frame.GetProperty("pools").EnumerateArray().ToDictionary(p => p.GetProperty("pool_id").GetString()!);
            Assert.Equal(["fast", "slow", "tiny", "r"], pools.Keys);
            Assert.Equal(4, pools["fast"].GetProperty("ready_slots").GetInt32());
            Assert.Equal(1, pools["slow"].GetProperty("busy_slots").GetInt32());
            Assert.Equal(2, pools["slow"].GetProperty("ready_slots").GetInt32());
            Assert.Equal(0, pools["tiny"].GetProperty("queue_depth").GetProperty("interactive").GetInt32());
            Assert.Equal(1, pools["tiny"].GetProperty("queue_capacity").GetInt32());
            // The rate is measured between two reads, one interval apart.
            Assert.Equal(JsonValueKind.Number, pools["slow"].GetProperty("tokens_per_second").ValueKind);
            var slow = Assert.Single(frame.GetProperty("replicas").EnumerateArray(), r => r.GetProperty("pool_id").GetString() == "slow");
            Assert.Equal(1, slow.GetProperty("slots_free").GetInt32());
            Assert.NotEmpty(frame.GetProperty("devices").EnumerateArray());
        }
        finally
        {
            await server.Orchestrator.CancelAsync(held["task_id"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task Once_prints_one_frame_of_tables_for_people()
    {
        var (code, stdout, stderr) = await LiveCli.RunAsync(["top", "--once", "--interval", "0.2", .. Target]);

        Assert.True(code == 0, stderr);
        Assert.Contains("llorch top", stdout);
        Assert.Contains("pools", stdout);
        Assert.Contains("replicas", stdout);
        Assert.Contains("devices", stdout);
        Assert.Matches(@"│ tiny\s+│[^│]*│ ready\s+│ 1/1\s+│ 0/1\s+│ 0/0 \(1\)", stdout);
    }

    [Fact]
    public async Task An_interval_out_of_range_is_refused()
    {
        var (code, _, stderr) = await LiveCli.RunAsync(["top", "--once", "--interval", "0", .. Target]);
        Assert.NotEqual(0, code);
        Assert.Contains("--interval: between 0.1 and 3600 seconds", stderr);
    }
}

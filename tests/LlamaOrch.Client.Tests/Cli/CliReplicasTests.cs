namespace LlamaOrch.Client.Tests.Cli;

/// <summary><c>llorch replicas</c> against a real orchestratord with four sim pools.</summary>
[Collection(CliServer.Name)]
public sealed class CliReplicasTests(SimServer server)
{
    private readonly Llorch _llorch = new(server.Orchestrator.Address);

    [Fact]
    public async Task Replicas_lists_every_replica_as_a_table_and_as_the_wire_list()
    {
        var table = await _llorch.RunAsync("replicas");
        Assert.True(table.Code == 0, table.ToString());
        foreach (var pool in new[] { "fast", "slow", "tiny" }) Assert.Contains(pool, table.Stdout);
        Assert.Contains("ready", table.Stdout);

        var json = (await _llorch.RunAsync("replicas", "--json")).Json;
        var tiny = Assert.Single(json.EnumerateArray(), r => r.GetProperty("pool_id").GetString() == "tiny");
        Assert.Equal(1, tiny.GetProperty("slots_total").GetInt32());
        Assert.Equal(SimServer.Tiny, tiny.GetProperty("model").GetString());
    }

    [Fact]
    public async Task Replicas_of_one_pool_and_of_a_pool_that_is_not_there()
    {
        var slow = (await _llorch.RunAsync("replicas", "--pool", "slow", "--json")).Json;
        Assert.All(slow.EnumerateArray(), r => Assert.Equal("slow", r.GetProperty("pool_id").GetString()));
        Assert.Single(slow.EnumerateArray());

        var unknown = await _llorch.RunAsync("replicas", "--pool", "nope");
        Assert.Equal(6, unknown.Code);
        Assert.Contains("no replicas of pool 'nope'", unknown.Stderr);
        Assert.Contains("fast", unknown.Stderr);
    }
}

using System.Text.Json.Nodes;

namespace LlamaOrch.EndToEnd.Tests;

public sealed class PoolChoiceTests
{
    private const string Slow = "sim:slow?tps=20";

    [Fact]
    public async Task A_task_goes_to_a_pool_with_queue_room_rather_than_a_full_one()
    {
        await using var orchestrator = await Orchestrator.StartAsync(
            "Pools:0:Id=small", $"Pools:0:Model={Slow}", "Pools:0:Slots=1", "Pools:0:Queue:Capacity=1",
            "Pools:1:Id=large", $"Pools:1:Model={Slow}", "Pools:1:Slots=1", "Pools:1:Queue:Capacity=8");
        var admitted = new List<JsonObject>();
        // Each admission goes to the shorter queue: small ends full with 1 queued, large with 2 queued.
        for (var i = 0; i < 5; i++) admitted.Add(await orchestrator.AdmitAsync(Orchestrator.Task(Slow, maxTokens: 200)));
        await orchestrator.WaitUntilAsync(h =>
            h["pools"]![0]!["queue_depth"]!.GetValue<int>() == 1 && h["pools"]![1]!["queue_depth"]!.GetValue<int>() == 2);

        // By queue length per slot alone "small" (1) beats "large" (2), but small is full.
        var next = await orchestrator.AdmitAsync(Orchestrator.Task(Slow));

        Assert.Equal("large", next["pool_id"]!.GetValue<string>());
        foreach (var task in admitted.Append(next)) await orchestrator.CancelAsync(task["task_id"]!.GetValue<string>());
    }
}

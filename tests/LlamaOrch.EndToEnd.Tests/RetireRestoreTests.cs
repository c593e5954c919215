using System.Net;
using System.Text.Json.Nodes;
using LlamaOrch.Core.Pools;
using LlamaOrch.Engines.Supervision;
using Microsoft.Extensions.DependencyInjection;

namespace LlamaOrch.EndToEnd.Tests;

/// <summary>A pool's model retired and made Active again in quick succession: the last state wins.</summary>
public sealed class RetireRestoreTests
{
    [Fact]
    public async Task Retire_restore_retire_stops_every_replica_and_leaves_the_pool_unready()
    {
        await using var orchestrator = await Orchestrator.StartAsync(Orchestrator.Pool("sim:r?tps=100"));
        var lifecycle = orchestrator.Services.GetRequiredService<PoolLifecycle>();
        var pool = orchestrator.Services.GetRequiredService<PoolRegistry>().Find("p")!;
        const string Retired = "model 'r' is retired";

        // Back to back, as the catalog's state changes call them: the pool is empty, so the first retirement is
        // already stopping its engine when the restore starts a fresh replica and the second retirement comes.
        lifecycle.TakeOutOfService(pool, TimeSpan.Zero, Retired);
        lifecycle.Restore(pool);
        lifecycle.TakeOutOfService(pool, TimeSpan.Zero, Retired);

        // The second retirement used to be ignored ("already on its way out"): the fresh replica ran on, and the
        // pool reported ready while every task for the model was refused.
        await WaitAsync(() => orchestrator.Supervisor.EngineProcessIds.Count == 0 && pool.Replicas().Count == 0);
        var health = JsonNode.Parse(await orchestrator.Http.GetStringAsync("/v1/pools/p/health"))!;
        Assert.False(health["ready"]!.GetValue<bool>());
        Assert.True(health["draining"]!.GetValue<bool>());
        Assert.Equal(Retired, health["last_error"]!.GetValue<string>());
        using var ready = await orchestrator.Http.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
    }

    private static async Task WaitAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!condition()) await Task.Delay(50, timeout.Token);
    }
}

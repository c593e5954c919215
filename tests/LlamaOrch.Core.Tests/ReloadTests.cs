using LlamaOrch.Core.Engines;
using LlamaOrch.Core.Pools;
using LlamaOrch.Core.Tasks;

namespace LlamaOrch.Core.Tests;

/// <summary>A pool switching models: incoming replicas take no task until the switch, and no task is lost.</summary>
public sealed class ReloadTests
{
    [Fact]
    public async Task Queued_and_running_tasks_survive_a_reload_and_new_ones_run_on_the_new_replicas()
    {
        var harness = new PoolHarness(slots: 1);
        var running = harness.Admit("running on old");
        var oldCall = await harness.Engine.NextCallAsync();
        var queued = harness.Admit("queued during reload");

        var plans = harness.Pool.TryBeginReload("sim:new", out var refusal)!;
        Assert.Null(refusal);
        var incoming = Assert.Single(plans);
        Assert.Equal("sim:new", incoming.Model);
        Assert.Equal("sim:new", incoming.Config.Model);
        Assert.NotEqual(PoolHarness.ReplicaId, incoming.ReplicaId);

        // Ready but not switched: it takes nothing yet.
        var newEngine = new ScriptedEngine();
        harness.Pool.ReplicaReady(incoming.ReplicaId, newEngine, new EngineFacts("new", 512, 1));
        Assert.Null(await harness.Pool.WaitIncomingAsync(CancellationToken.None));
        // Dispatch decides under the pool's lock, before the engine is called: nothing is running on the incoming replica.
        Assert.Equal(0, harness.Pool.Replicas().Single(r => r.Id == incoming.ReplicaId).Busy);
        Assert.Equal(1, harness.Pool.QueueDepth);
        Assert.Equal("ready_incoming", harness.Pool.Replicas().Single(r => r.Id == incoming.ReplicaId).State);

        var outgoing = harness.Pool.CommitReload();
        Assert.Equal([PoolHarness.ReplicaId], outgoing);
        Assert.Equal("sim:new", harness.Pool.Config.Model);
        // The queued task moves to the new replica at once; the running one finishes on the old.
        Assert.Equal("queued during reload", (await newEngine.NextCallAsync()).Request.Prompt);
        var idle = harness.Pool.WaitIdleAsync(outgoing, CancellationToken.None);
        Assert.False(idle.IsCompleted);
        oldCall.Token("x");
        oldCall.Finish(1);
        await idle.WaitAsync(TimeSpan.FromSeconds(10));
        harness.Pool.RemoveReplicas(outgoing);

        Assert.Equal("end", (await PoolHarness.FramesAsync(running))[^1].Event);
        Assert.Equal(TaskState.Running, queued.State);
        Assert.Equal([incoming.ReplicaId], harness.Pool.Replicas().Select(r => r.Id));
    }

    [Fact]
    public async Task A_failed_reload_is_rolled_back_and_a_second_one_waits_its_turn()
    {
        var harness = new PoolHarness(slots: 1);
        var plans = harness.Pool.TryBeginReload("missing.gguf", out _)!;
        Assert.Null(harness.Pool.TryBeginReload("other.gguf", out var busy));
        Assert.Equal("RELOAD_CONFLICT", busy!.Code);

        harness.Pool.ReplicaDown(plans[0].ReplicaId, "model missing.gguf is not available");
        Assert.Contains("not available", await harness.Pool.WaitIncomingAsync(CancellationToken.None));
        var stop = harness.Pool.AbortReload();
        harness.Pool.RemoveReplicas(stop);

        Assert.Equal("sim:test", harness.Pool.Config.Model);
        Assert.True(harness.Pool.Snapshot().Ready);
        Assert.Null(harness.Pool.Snapshot().LastError);
        harness.Admit("still served by the old replica");
        Assert.Equal("still served by the old replica", (await harness.Engine.NextCallAsync()).Request.Prompt);
        Assert.NotNull(harness.Pool.TryBeginReload("other.gguf", out _));
    }

    [Fact]
    public async Task A_stopped_pool_refuses_until_it_is_restarted_with_fresh_replicas()
    {
        var harness = new PoolHarness(slots: 1);
        var stopped = harness.Pool.StopServing("model 'm' is retired");
        harness.Pool.RemoveReplicas(stopped);

        var refused = harness.Submit("x");
        Assert.Equal("POOL_UNAVAILABLE", refused.Rejection!.Code);
        Assert.Contains("retired", refused.Rejection.Message);

        var plans = harness.Pool.Restart();
        var engine = new ScriptedEngine();
        harness.Pool.ReplicaReady(Assert.Single(plans).ReplicaId, engine, new EngineFacts("v", 512, 1));
        harness.Admit("back");
        Assert.Equal("back", (await engine.NextCallAsync()).Request.Prompt);
    }
}

using LlamaOrch.Core.Engines;
using LlamaOrch.Core.Pools;

namespace LlamaOrch.Core.Tests.Pools;

/// <summary>A session's task waits a little for the busy slot holding its KV (Orchestrator:Sessions:AffinityWaitMs), on the fake clock.</summary>
public sealed class AffinityWaitTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromMilliseconds(250);
    private const string Session = "5e55e55e-0000-4000-8000-000000000001";
    private const string Other = "5e55e55e-0000-4000-8000-000000000002";

    [Fact]
    public async Task A_sessions_task_waits_while_its_slot_is_busy_and_takes_it_when_freed()
    {
        var harness = new PoolHarness(slots: 2, affinityWait: Wait);
        harness.Admit("turn one", sessionId: Session);
        var first = await harness.Engine.NextCallAsync();
        var second = harness.Admit("turn one, turn two", sessionId: Session);

        // The other slot is free, but the session's KV is in the busy one.
        Assert.Equal(1, harness.Pool.QueueDepth);
        harness.Time.Advance(Wait - TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, harness.Pool.QueueDepth);

        first.Finish(1);
        var next = await harness.Engine.NextCallAsync();
        Assert.Equal(first.Request.Slot, next.Request.Slot);
        next.Finish(1);
        var started = (await PoolHarness.FramesAsync(second)).First(f => f.Event == "started").Data;
        Assert.Equal("session", started.GetProperty("kv").GetString());
    }

    [Fact]
    public async Task Once_the_wait_runs_out_it_goes_cold_to_another_free_slot()
    {
        var harness = new PoolHarness(slots: 2, affinityWait: Wait);
        harness.Admit("turn one", sessionId: Session);
        var first = await harness.Engine.NextCallAsync();
        var second = harness.Admit("turn one, turn two", sessionId: Session);
        Assert.Equal(1, harness.Pool.QueueDepth);

        // One pool timer, armed for the end of the wait, runs the dispatch that lets it go.
        harness.Time.Advance(Wait);
        var next = await harness.Engine.NextCallAsync();

        Assert.NotEqual(first.Request.Slot, next.Request.Slot);
        next.Finish(1);
        var started = (await PoolHarness.FramesAsync(second)).First(f => f.Event == "started").Data;
        Assert.Equal("cold", started.GetProperty("kv").GetString());
        first.Finish(1);
    }

    [Fact]
    public async Task Tasks_behind_a_waiting_task_are_not_held()
    {
        var harness = new PoolHarness(slots: 2, affinityWait: Wait);
        harness.Admit("turn one", sessionId: Session);
        var first = await harness.Engine.NextCallAsync();
        var waiting = harness.Admit("turn one, turn two", sessionId: Session);
        harness.Admit("another conversation", sessionId: Other);

        var other = await harness.Engine.NextCallAsync();
        Assert.Equal("another conversation", other.Request.Prompt);
        Assert.Equal(1, harness.Pool.QueueDepth);

        first.Finish(1);
        var next = await harness.Engine.NextCallAsync();
        Assert.Equal("turn one, turn two", next.Request.Prompt);
        Assert.Equal(first.Request.Slot, next.Request.Slot);
        next.Finish(1);
        other.Finish(1);
        var started = (await PoolHarness.FramesAsync(waiting)).First(f => f.Event == "started").Data;
        Assert.Equal("session", started.GetProperty("kv").GetString());
    }

    [Fact]
    public async Task With_no_wait_it_goes_cold_at_once()
    {
        var harness = new PoolHarness(slots: 2);
        harness.Admit("turn one", sessionId: Session);
        var first = await harness.Engine.NextCallAsync();
        harness.Admit("turn one, turn two", sessionId: Session);

        var next = await harness.Engine.NextCallAsync();

        Assert.NotEqual(first.Request.Slot, next.Request.Slot);
        Assert.Equal(0, harness.Pool.QueueDepth);
        first.Finish(1);
        next.Finish(1);
    }

    [Fact]
    public async Task It_does_not_wait_for_a_replica_that_stopped_answering()
    {
        var harness = new PoolHarness(slots: 1, replicas: 2, ready: false, affinityWait: Wait);
        harness.Pool.ReplicaReady(PoolRuntime.ReplicaId("p", 0), harness.Engines[0], new EngineFacts("scripted", 512, 1));
        harness.Admit("turn one", sessionId: Session);
        var first = await harness.Engines[0].NextCallAsync();
        harness.Pool.ReplicaReady(PoolRuntime.ReplicaId("p", 1), harness.Engines[1], new EngineFacts("scripted", 512, 1));
        harness.Pool.ReplicaUnresponsive(PoolRuntime.ReplicaId("p", 0), "missed its health check");

        var second = harness.Admit("turn one, turn two", sessionId: Session);

        var next = await harness.Engines[1].NextCallAsync();
        Assert.Equal("turn one, turn two", next.Request.Prompt);
        next.Finish(1);
        var started = (await PoolHarness.FramesAsync(second)).First(f => f.Event == "started").Data;
        Assert.Equal("cold", started.GetProperty("kv").GetString());
        first.Finish(1);
    }
}

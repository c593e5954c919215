using LlamaOrch.Contracts.Control;

namespace LlamaOrch.Client.Tests;

/// <summary>The AIMD arithmetic of the gate and how it sizes itself from what the server reports.</summary>
public sealed class ConcurrencyGateTests
{
    [Fact]
    public async Task A_429_halves_the_limit_once_per_round()
    {
        var gate = new ConcurrencyGate(initialLimit: 8, minimum: 1, maximum: 16);
        var first = await gate.AcquireAsync();
        var second = await gate.AcquireAsync();

        first.ReportBackpressure();
        Assert.Equal(4, gate.Limit);
        second.ReportBackpressure(); // sent at the old limit: the cut already answered it
        Assert.Equal(4, gate.Limit);

        var later = await gate.AcquireAsync();
        later.ReportBackpressure();
        Assert.Equal(2, gate.Limit);
        Assert.Equal(2, gate.Decreases);
        Assert.Equal(3, gate.Backpressures);

        foreach (var lease in new[] { first, second, later }) lease.Dispose();
        Assert.Equal(0, gate.InFlight);
    }

    [Fact]
    public async Task Successes_add_one_place_per_round_up_to_the_maximum_and_cuts_stop_at_the_minimum()
    {
        var gate = new ConcurrencyGate(initialLimit: 4, minimum: 2, maximum: 6);
        var lease = await gate.AcquireAsync();
        for (var i = 0; i < 4; i++) lease.ReportSuccess();
        Assert.Equal(4, gate.Limit); // 4 + 1/4 + 1/4.25 + …: just under 5
        lease.ReportSuccess();
        Assert.Equal(5, gate.Limit);
        for (var i = 0; i < 100; i++) lease.ReportSuccess();
        Assert.Equal(6, gate.Limit);

        lease.Dispose();
        for (var i = 0; i < 5; i++)
        {
            using var next = await gate.AcquireAsync();
            next.ReportBackpressure();
        }
        Assert.Equal(2, gate.Limit);
    }

    [Fact]
    public async Task A_caller_waits_for_a_place_and_gets_it_when_one_is_given_back()
    {
        var gate = new ConcurrencyGate(initialLimit: 1);
        var held = await gate.AcquireAsync();
        var waiting = gate.AcquireAsync().AsTask();
        Assert.False(waiting.IsCompleted);

        held.Dispose();
        using var granted = await waiting;
        Assert.Equal(1, gate.InFlight);

        using var cancel = new CancellationTokenSource();
        var abandoned = gate.AcquireAsync(cancel.Token).AsTask();
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => abandoned);
        Assert.Equal(1, gate.InFlight);
    }

    [Fact]
    public async Task A_cut_below_the_places_in_use_holds_new_callers_until_enough_are_back()
    {
        var gate = new ConcurrencyGate(initialLimit: 4);
        var leases = new List<ConcurrencyLease>();
        for (var i = 0; i < 4; i++) leases.Add(await gate.AcquireAsync());
        leases[0].ReportBackpressure(); // limit 2, four in flight

        var waiting = gate.AcquireAsync().AsTask();
        leases[0].Dispose();
        leases[1].Dispose();
        Assert.False(waiting.IsCompleted); // two in flight is the limit
        leases[2].Dispose();
        (await waiting).Dispose();
        leases[3].Dispose();
        Assert.Equal(0, gate.InFlight);
    }

    [Fact]
    public void The_gate_starts_at_the_ready_slots_and_may_grow_to_slots_plus_queue()
    {
        var capabilities = new CapabilitiesResponse("0.3.0",
            [Engine("a", "m1", slots: 4, queue: 8), Engine("b", "m1", slots: 2, queue: 4), Engine("c", "m2", slots: 8, queue: 8)],
            [], new DeterminismGuarantees("", ""), new OrchestratorFeatures(new SessionFeatures(true, 0, 0, true, 0, new BudgetFeatures("off", null, null, null))));
        ReplicaSetEntry[] replicas =
        [
            Replica("a-r0", "a", 2, "ready"), Replica("a-r1", "a", 2, "starting"), Replica("b-r0", "b", 2, "ready"), Replica("c-r0", "c", 8, "ready"),
        ];

        Assert.Equal((4, 18), ConcurrencyGate.Derive(capabilities, replicas, "m1"));
        Assert.Equal((8, 16), ConcurrencyGate.Derive(capabilities, replicas, "m2"));
        Assert.Equal((12, 34), ConcurrencyGate.Derive(capabilities, replicas, null));
        // No replica ready yet: the pools' configured slots.
        Assert.Equal((6, 18), ConcurrencyGate.Derive(capabilities, [], "m1"));
    }

    private static EngineCapability Engine(string pool, string model, int slots, int queue) =>
        new("llamacpp", null, pool, model, true, 512, 256, ["completion"], slots, 1, new RateLimits(queue, "reject"),
            new EngineFeatures(true, true, false, true, true));

    private static ReplicaSetEntry Replica(string id, string pool, int slots, string state) =>
        new(id, pool, "llamacpp", null, "m", ["cpu"], slots, slots, 0, state, null, null, null, new ReplicaSlo(null, null, 0));
}

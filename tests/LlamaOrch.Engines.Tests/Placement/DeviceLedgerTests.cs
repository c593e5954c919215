using LlamaOrch.Engines.Devices;
using LlamaOrch.Engines.Placement;
using LlamaOrch.Engines.Tests.Devices;

namespace LlamaOrch.Engines.Tests.Placement;

/// <summary>
/// The ledger on the box the specs name: an RTX 3090 (24 GB) and an RTX 3060 (12 GB). As probed, the 3090 has
/// 22741 MiB free and the 3060 11611 MiB; each card's total also holds a few hundred MiB the driver keeps.
/// </summary>
public sealed class DeviceLedgerTests
{
    private const long MiB = 1024L * 1024;
    private const long GiB = 1024 * MiB;
    private const long Free3090 = 22_741 * MiB;
    private const long Free3060 = 11_611 * MiB;

    private static readonly DateTimeOffset T0 = new(2025, 11, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly DeviceLedger _ledger = new();

    [Fact]
    public void Without_reservations_available_is_what_nvidia_smi_calls_free()
    {
        var gpus = _ledger.Available(Probed(T0));

        Assert.Equal([0, 1], gpus.Select(g => g.Index));
        Assert.Equal(["NVIDIA GeForce RTX 3090", "NVIDIA GeForce RTX 3060"], gpus.Select(g => g.Name));
        Assert.Equal([24_576 * MiB, 12_288 * MiB], gpus.Select(g => g.TotalBytes));
        Assert.Equal([Free3090, Free3060], gpus.Select(g => g.AvailableBytes));
        Assert.Equal([1536 * MiB, 420 * MiB], gpus.Select(g => g.ExternalBytes));
        Assert.All(gpus, g => Assert.Equal(0, g.ReservedBytes));
        Assert.All(gpus, g => Assert.Empty(g.ReplicaIds));
    }

    [Fact]
    public void The_card_with_the_most_available_memory_wins()
    {
        var snapshot = Probed(T0);

        Assert.Equal(0, Place("a", 1 * GiB, snapshot));
        Assert.Equal(0, Place("b", 14 * GiB, snapshot));
        // The 3090 has 22741 − 1024 − 14336 = 7381 MiB left, less than the 3060's 11611.
        Assert.Equal(1, Place("c", 1 * GiB, snapshot));
        Assert.Equal(["a", "b"], _ledger.ReplicasOn(0));
        Assert.Equal(["c"], _ledger.ReplicasOn(1));
    }

    [Fact]
    public void A_model_that_fits_only_the_3090_lands_there_and_nowhere_once_it_is_busy()
    {
        Assert.Equal(0, Place("big", 12 * GiB, Probed(T0)));
        _ledger.Release("big");

        // Another program holds 14000 MiB of the 3090: 10277 MiB left there, 11611 on the 3060.
        var busy = Probed(T0, used3090Mib: 14_000);
        Assert.False(_ledger.TryPlace("big", 12 * GiB, busy, null, out var gpu, out var refusal));
        Assert.Equal(-1, gpu);
        Assert.Equal(
            "needs 12.0 GiB; GPU 1 NVIDIA GeForce RTX 3060 has 11.3 GiB available (677.0 MiB short); " +
            "GPU 0 NVIDIA GeForce RTX 3090 has 10.0 GiB available (2.0 GiB short)",
            refusal);
    }

    [Fact]
    public void Many_replicas_placed_at_once_never_oversubscribe_the_3060()
    {
        var snapshot = Probed(T0);
        var placed = 0;

        Parallel.For(0, 200, new ParallelOptions { MaxDegreeOfParallelism = 32 }, i =>
        {
            if (_ledger.TryPlace($"r{i}", 1000 * MiB, snapshot, [1], out var gpu, out _))
            {
                Assert.Equal(1, gpu);
                Interlocked.Increment(ref placed);
            }
        });

        // 11611 MiB holds eleven 1000 MiB replicas and not a twelfth.
        Assert.Equal(11, placed);
        var gpu1 = _ledger.Available(snapshot)[1];
        Assert.Equal(11_000 * MiB, gpu1.ReservedBytes);
        Assert.True(gpu1.ReservedBytes <= Free3060);
        Assert.Equal(611 * MiB, gpu1.AvailableBytes);
        Assert.Equal(11, _ledger.ReplicasOn(1).Count);
    }

    [Fact]
    public void Many_replicas_placed_at_once_fill_both_cards_without_oversubscribing_either()
    {
        var snapshot = Probed(T0);
        var placed = 0;

        Parallel.For(0, 200, new ParallelOptions { MaxDegreeOfParallelism = 32 }, i =>
        {
            if (_ledger.TryPlace($"r{i}", 3000 * MiB, snapshot, null, out _, out _)) Interlocked.Increment(ref placed);
        });

        // Seven on the 3090 (21000 of 22741 MiB), three on the 3060 (9000 of 11611).
        Assert.Equal(10, placed);
        var gpus = _ledger.Available(snapshot);
        Assert.Equal(7 * 3000 * MiB, gpus[0].ReservedBytes);
        Assert.Equal(3 * 3000 * MiB, gpus[1].ReservedBytes);
        Assert.True(gpus[0].ReservedBytes <= Free3090 && gpus[1].ReservedBytes <= Free3060);
    }

    [Fact]
    public void Memory_used_by_other_programs_is_not_available()
    {
        // A game holds 6000 MiB of the 3060.
        var snapshot = Probed(T0, used3060Mib: 6420);

        var gpu1 = _ledger.Available(snapshot)[1];
        Assert.Equal(6420 * MiB, gpu1.ExternalBytes);
        Assert.Equal(5611 * MiB, gpu1.AvailableBytes);
        Assert.False(_ledger.TryPlace("r", 8 * GiB, snapshot, [1], out _, out var refusal));
        Assert.Equal("needs 8.0 GiB; GPU 1 NVIDIA GeForce RTX 3060 has 5.5 GiB available (2.5 GiB short)", refusal);
    }

    [Fact]
    public void A_loaded_replica_is_counted_once_in_a_later_probe()
    {
        var before = Probed(T0);
        Assert.Equal(1, Place("r1", 8000 * MiB, before, [1]));
        Assert.Equal(3611 * MiB, _ledger.Available(before)[1].AvailableBytes);

        Assert.True(_ledger.MarkLoaded("r1", T0.AddSeconds(5)));
        // The next probe sees the engine's 8000 MiB in the card's used memory.
        var after = Probed(T0.AddSeconds(10), used3060Mib: 420 + 8000);

        var gpu1 = _ledger.Available(after)[1];
        Assert.Equal(3611 * MiB, gpu1.AvailableBytes);
        Assert.Equal(420 * MiB, gpu1.ExternalBytes);
        Assert.Equal(8000 * MiB, gpu1.ReservedBytes);
        // The probe from before the load still counts the reservation, once.
        Assert.Equal(3611 * MiB, _ledger.Available(before)[1].AvailableBytes);
    }

    [Fact]
    public void A_replica_that_takes_more_than_it_reserved_shows_the_excess_as_used()
    {
        Assert.Equal(1, Place("r1", 8000 * MiB, Probed(T0), [1]));
        _ledger.MarkLoaded("r1", T0.AddSeconds(5));

        var after = Probed(T0.AddSeconds(10), used3060Mib: 420 + 8500);

        Assert.Equal(3111 * MiB, _ledger.Available(after)[1].AvailableBytes);
    }

    [Fact]
    public void A_replica_loading_during_a_probe_is_counted_in_full_and_never_less()
    {
        Assert.Equal(1, Place("r1", 8000 * MiB, Probed(T0), [1]));

        // Halfway through its load the engine holds 4000 MiB; it is not marked loaded yet.
        var during = Probed(T0.AddSeconds(2), used3060Mib: 420 + 4000);

        // 12031 MiB of capacity − 4420 used − 8000 reserved is below zero: nothing more goes on the card until the
        // load is marked and a later probe sees it.
        Assert.Equal(0, _ledger.Available(during)[1].AvailableBytes);
        Assert.False(_ledger.TryPlace("r2", 1 * MiB, during, [1], out _, out _));
    }

    [Fact]
    public void Releasing_a_replica_frees_its_memory()
    {
        var snapshot = Probed(T0);
        Assert.Equal(1, Place("r1", 10 * GiB, snapshot, [1]));
        Assert.False(_ledger.TryPlace("r2", 10 * GiB, snapshot, [1], out _, out _));

        Assert.True(_ledger.Release("r1"));

        Assert.Equal(Free3060, _ledger.Available(snapshot)[1].AvailableBytes);
        Assert.Empty(_ledger.ReplicasOn(1));
        Assert.Equal(1, Place("r2", 10 * GiB, snapshot, [1]));
        Assert.False(_ledger.Release("r1"));
    }

    [Fact]
    public void A_refusal_names_every_card_and_its_shortfall_most_available_first()
    {
        var need = new FitEstimate(WeightsBytes: 28 * GiB, KvBytes: 1 * GiB, ComputeBytes: 512 * MiB, OverheadBytes: 512 * MiB)
        {
            ContextPerSlot = 4096,
            Slots = 4,
        };

        Assert.False(_ledger.TryPlace("huge", need, Probed(T0), null, out var gpu, out var refusal));

        Assert.Equal(-1, gpu);
        Assert.Equal(
            "needs 30.0 GiB (weights 28.0 GiB, KV cache 1.0 GiB for 4 slots × 4096 tokens, compute 512.0 MiB, overhead 512.0 MiB); " +
            "GPU 0 NVIDIA GeForce RTX 3090 has 22.2 GiB available (7.8 GiB short); " +
            "GPU 1 NVIDIA GeForce RTX 3060 has 11.3 GiB available (18.7 GiB short)",
            refusal);
        Assert.Empty(_ledger.ReplicasOn(0));
    }

    [Fact]
    public void Only_the_allowed_cards_are_candidates()
    {
        var snapshot = Probed(T0);

        Assert.Equal(1, Place("r1", 1 * GiB, snapshot, [1]));
        Assert.False(_ledger.TryPlace("r2", 12 * GiB, snapshot, [1], out _, out var refusal));
        Assert.DoesNotContain("GPU 0", refusal);
        Assert.Contains("GPU 1 NVIDIA GeForce RTX 3060 has 10.3 GiB available (1.7 GiB short)", refusal);
    }

    [Fact]
    public void Allowed_cards_that_do_not_exist_are_named()
    {
        var snapshot = Probed(T0);

        Assert.False(_ledger.TryPlace("r", 1 * GiB, snapshot, [2, 3], out _, out var refusal));
        Assert.Equal("needs 1.0 GiB; allowed GPU 2, 3 are not among the GPUs found (0, 1)", refusal);

        Assert.False(_ledger.TryPlace("r", 1 * GiB, snapshot, [], out _, out refusal));
        Assert.Equal("needs 1.0 GiB; no GPU is allowed (the allowed list is empty)", refusal);

        // An existing card among them is still a candidate.
        Assert.Equal(1, Place("r", 1 * GiB, snapshot, [1, 7]));
    }

    [Fact]
    public void Without_gpus_nothing_is_placed_and_the_probe_error_is_given()
    {
        Assert.False(_ledger.TryPlace("r", 1 * GiB, DeviceSnapshot.None(T0), null, out var gpu, out var refusal));
        Assert.Equal(-1, gpu);
        Assert.Equal("needs 1.0 GiB; no GPU was found", refusal);

        var failed = new DeviceSnapshot([], "nvidia-smi failed with exit code 9", T0);
        Assert.False(_ledger.TryPlace("r", 1 * GiB, failed, null, out _, out refusal));
        Assert.Equal("needs 1.0 GiB; no GPU was found (nvidia-smi failed with exit code 9)", refusal);
    }

    [Fact]
    public void Equal_cards_tie_on_the_lower_index()
    {
        var card = new GpuDevice(0, "GPU-a", "NVIDIA RTX A4000", 16_376 * MiB, 0, 16_000 * MiB, 0);
        var snapshot = new DeviceSnapshot([card with { Index = 1, Uuid = "GPU-b" }, card], null, T0);

        Assert.Equal(0, Place("r1", 1 * GiB, snapshot));
        Assert.Equal(1, Place("r2", 1 * GiB, snapshot));
        Assert.Equal(0, Place("r3", 1 * GiB, snapshot));
    }

    [Fact]
    public void A_replica_holds_one_reservation_at_a_time()
    {
        var snapshot = Probed(T0);
        Place("r", 1 * GiB, snapshot);

        var error = Assert.Throws<InvalidOperationException>(() => _ledger.TryPlace("r", 1 * GiB, snapshot, null, out _, out _));
        Assert.Contains("replica 'r' already holds 1.0 GiB on GPU 0", error.Message);
        Assert.False(_ledger.MarkLoaded("unknown", T0));
    }

    [Fact]
    public void A_sim_model_without_vram_mib_fits_even_a_full_card()
    {
        var snapshot = Probed(T0, used3090Mib: 24_277, used3060Mib: 11_031);

        Assert.Equal(1, Place("sim", FitEstimator.EstimateSim("sim:x?tps=50").Total, snapshot));
        Assert.Equal(1000 * MiB, _ledger.Available(snapshot)[1].AvailableBytes);
    }

    private int Place(string replicaId, long needBytes, DeviceSnapshot snapshot, IReadOnlyList<int>? allowed = null)
    {
        Assert.True(_ledger.TryPlace(replicaId, needBytes, snapshot, allowed, out var gpu, out var refusal), refusal);
        Assert.Equal(string.Empty, refusal);
        return gpu;
    }

    // The recorded 3090 + 3060 output, with other programs' usage changed where a test needs it; free memory follows,
    // the driver's reserve (299 and 257 MiB) stays.
    private static DeviceSnapshot Probed(DateTimeOffset at, long used3090Mib = 1536, long used3060Mib = 420)
    {
        var recorded = NvidiaSmiOutput.Parse(NvidiaSmiOutputs.Rtx3090And3060);
        GpuDevice Using(GpuDevice gpu, long usedMib)
        {
            var reserved = gpu.TotalBytes - gpu.UsedBytes - gpu.FreeBytes;
            return gpu with { UsedBytes = usedMib * MiB, FreeBytes = gpu.TotalBytes - reserved - usedMib * MiB };
        }
        return new DeviceSnapshot([Using(recorded[0], used3090Mib), Using(recorded[1], used3060Mib)], null, at);
    }
}

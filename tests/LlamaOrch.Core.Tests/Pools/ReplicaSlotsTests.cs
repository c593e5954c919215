using LlamaOrch.Core.Admission;
using LlamaOrch.Core.Pools;
using LlamaOrch.Core.Tasks;

namespace LlamaOrch.Core.Tests.Pools;

/// <summary>Which engine slot a task is sent to: the one whose KV cache serves it best, without taking a busy one.</summary>
public sealed class ReplicaSlotsTests
{
    private readonly PoolHarness _harness = new();

    [Fact]
    public void A_sessions_next_turn_goes_back_to_the_slot_holding_it_even_when_another_was_used_later()
    {
        var slots = new ReplicaSlots(3);
        var first = slots.Take(Task("s1", "Once upon a time"));
        slots.Release(first.Slot);
        slots.Release(slots.Take(Task("s2", "Lily had a dog")).Slot);

        var next = slots.Take(Task("s1", "Once upon a time there was"));

        Assert.Equal((first.Slot, SlotWarmth.Session), next);
    }

    [Fact]
    public void A_new_prompt_goes_to_the_free_slot_sharing_its_longest_start_else_to_the_one_used_longest_ago()
    {
        var slots = new ReplicaSlots(3);
        var a = slots.Take(Task("a", "System: be brief. Tell a story about a cat."));
        var b = slots.Take(Task("b", "Lily had a dog"));
        slots.Release(a.Slot);
        slots.Release(b.Slot);

        Assert.Equal((a.Slot, SlotWarmth.SharedPrefix), slots.Take(Task("c", "System: be brief. Tell a story about a frog.")));
        // Shares nothing with the free slots: the never-used one is the one used longest ago.
        var unrelated = slots.Take(Task("d", "Why is the sky blue?"));
        Assert.Equal(SlotWarmth.Cold, unrelated.Warmth);
        Assert.NotEqual(b.Slot, unrelated.Slot);
    }

    [Fact]
    public void A_busy_slot_is_never_taken_and_a_full_replica_has_none()
    {
        var slots = new ReplicaSlots(2);
        var first = slots.Take(Task("s1", "Once"));
        var other = slots.Take(Task("s1", "Once upon"));

        Assert.NotEqual(first.Slot, other.Slot);
        Assert.Equal(SlotWarmth.Cold, other.Warmth);
        Assert.Equal(-1, slots.Take(Task("s2", "Lily")).Slot);
    }

    [Fact]
    public void Kv_hint_cold_takes_the_slot_used_longest_ago_and_a_forgotten_slot_holds_no_session()
    {
        var slots = new ReplicaSlots(2);
        var held = slots.Take(Task("s1", "Once upon a time"));
        slots.Release(held.Slot);
        var cold = slots.Take(Task("s1", "Once upon a time there", KvHint.Cold));
        Assert.Equal(SlotWarmth.Cold, cold.Warmth);
        Assert.NotEqual(held.Slot, cold.Slot);

        slots.Forget(held.Slot);
        Assert.False(slots.Holds(held.Slot, "s1"));
        Assert.True(slots.Holds(cold.Slot, "s1"));
    }

    private OrchestratedTask Task(string session, string prompt, KvHint? hint = null)
    {
        var body = TaskRequestValidatorTests.Valid() with { Prompt = prompt };
        Assert.Null(TaskRequestValidator.Validate(body, new AdmissionLimits(), out var spec));
        return new OrchestratedTask(spec! with { SessionId = session, KvHint = hint }, "corr", _harness.Pool, _harness.Time);
    }
}

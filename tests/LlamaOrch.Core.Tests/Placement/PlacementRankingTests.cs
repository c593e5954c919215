using LlamaOrch.Core.Placement;

namespace LlamaOrch.Core.Tests.Placement;

/// <summary>The one ranking admission and dispatch share: each rule decides only when every rule before it ties.</summary>
public sealed class PlacementRankingTests
{
    private static readonly PlacementCandidate Plain = new("b", Affine: false, HasRoom: true, Load: 1, AvailableBytes: 100, TokensPerSecond: 50);

    [Fact]
    public void Each_rule_decides_when_the_rules_before_it_tie_whatever_the_later_rules_say()
    {
        AssertBetter(Plain with { Affine = true, Load = 9, AvailableBytes = 1 }, Plain, "affinity beats a lighter load");
        AssertBetter(Plain with { Load = 0.5, AvailableBytes = 1 }, Plain, "least load beats more VRAM");
        AssertBetter(Plain with { AvailableBytes = 200, TokensPerSecond = 1 }, Plain, "more VRAM beats speed");
        AssertBetter(Plain with { AvailableBytes = 0 }, Plain with { AvailableBytes = null }, "a GPU with no free VRAM left still beats the CPU");
        AssertBetter(Plain with { Id = "z", TokensPerSecond = 60 }, Plain, "speed beats the id");
        AssertBetter(Plain with { TokensPerSecond = 1 }, Plain with { TokensPerSecond = null }, "a measured speed beats none");
        AssertBetter(Plain with { Id = "a" }, Plain, "the smaller id breaks a tie");
    }

    [Fact]
    public void A_place_without_room_ranks_after_one_with_room_whatever_its_load()
    {
        AssertBetter(Plain, Plain with { Id = "a", HasRoom = false, Load = 0, AvailableBytes = 999 }, "room beats load");
    }

    [Fact]
    public void A_place_ranks_equal_only_to_one_with_the_same_facts()
    {
        Assert.Equal(0, PlacementRanking.Compare(Plain, Plain with { }));
        Assert.NotEqual(0, PlacementRanking.Compare(Plain, Plain with { Id = "c" }));
    }

    private static void AssertBetter(PlacementCandidate better, PlacementCandidate worse, string rule)
    {
        Assert.True(PlacementRanking.Compare(better, worse) < 0, rule);
        Assert.True(PlacementRanking.Compare(worse, better) > 0, rule);
    }
}

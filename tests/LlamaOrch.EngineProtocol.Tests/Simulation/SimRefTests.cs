using LlamaOrch.EngineProtocol.Simulation;

namespace LlamaOrch.EngineProtocol.Tests.Simulation;

public sealed class SimRefTests
{
    [Fact]
    public void A_ref_without_a_query_is_a_name_and_no_parameters()
    {
        var sim = SimRef.Parse("sim:fast");

        Assert.Equal("fast", sim.Name);
        Assert.Empty(sim.Parameters);
    }

    [Fact]
    public void Parameters_keep_their_order_and_their_repeats()
    {
        var sim = SimRef.Parse("sim:x?tps=5&vram_mib=100&tps=7");

        Assert.Equal("x", sim.Name);
        Assert.Equal([new("tps", "5"), new("vram_mib", "100"), new("tps", "7")], sim.Parameters);
    }

    [Theory]
    [InlineData("sim:x?tps=", "tps", "")]
    [InlineData("sim:x?tps", "tps", "")]
    [InlineData("sim:x?=5", "", "5")]
    [InlineData("sim:x?a=b=c", "a", "b=c")]
    public void A_pair_splits_at_its_first_equals_sign(string text, string key, string value) =>
        Assert.Equal([new(key, value)], SimRef.Parse(text).Parameters);

    [Theory]
    [InlineData("sim:x?")]
    [InlineData("sim:x?&")]
    [InlineData("sim:x?&&")]
    public void Empty_pairs_are_left_out(string text) => Assert.Empty(SimRef.Parse(text).Parameters);

    [Fact]
    public void Values_are_not_interpreted_here()
    {
        var sim = SimRef.Parse("sim:x?tps=fast&vram_mib=-1");

        Assert.Equal([new("tps", "fast"), new("vram_mib", "-1")], sim.Parameters);
    }

    [Theory]
    [InlineData("sim:", "")]
    [InlineData("sim:?tps=1", "")]
    [InlineData("sim:a:b?c", "a:b")]
    public void The_name_is_everything_before_the_first_question_mark(string text, string name) =>
        Assert.Equal(name, SimRef.Parse(text).Name);

    [Theory]
    [InlineData("SIM:fast")]
    [InlineData("file:/models/x.gguf")]
    [InlineData("fast")]
    [InlineData("")]
    public void Other_refs_are_not_sim_refs(string text)
    {
        Assert.False(SimRef.IsSimRef(text));
        Assert.False(SimRef.TryParse(text, out _));
        Assert.Throws<FormatException>(() => SimRef.Parse(text));
    }
}

using System.Text;
using LlamaOrch.EngineHost.Inference;

namespace LlamaOrch.EngineHost.Tests.Unit;

public sealed class Utf8AccumulatorTests
{
    [Fact]
    public void A_character_split_across_pieces_is_held_back_until_complete()
    {
        var accumulator = new Utf8Accumulator();
        var bytes = Encoding.UTF8.GetBytes("a€b"); // € is three bytes

        Assert.Equal("a", Encoding.UTF8.GetString(accumulator.Add(bytes.AsSpan(0, 2))));
        Assert.Empty(accumulator.Add(bytes.AsSpan(2, 1)));
        Assert.Equal("€b", Encoding.UTF8.GetString(accumulator.Add(bytes.AsSpan(3))));
        Assert.Empty(accumulator.Flush());
    }

    [Fact]
    public void Whole_characters_pass_straight_through_and_a_dangling_tail_is_flushed_at_the_end()
    {
        var accumulator = new Utf8Accumulator();
        Assert.Equal("héllo 🙂", Encoding.UTF8.GetString(accumulator.Add(Encoding.UTF8.GetBytes("héllo 🙂"))));

        var emoji = Encoding.UTF8.GetBytes("🙂");
        Assert.Empty(accumulator.Add(emoji.AsSpan(0, 3)));
        Assert.Equal(emoji[..3], accumulator.Flush());
    }
}

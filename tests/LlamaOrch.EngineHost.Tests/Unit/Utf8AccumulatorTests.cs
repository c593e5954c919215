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

    [Fact]
    public void A_shared_whole_piece_is_passed_on_as_it_is_and_a_cut_one_is_held_back_like_any_other()
    {
        var accumulator = new Utf8Accumulator();
        var whole = Encoding.UTF8.GetBytes("héllo");
        Assert.True(accumulator.AddShared(whole).Span == whole.AsSpan()); // the same bytes, not a copy

        var euro = Encoding.UTF8.GetBytes("a€"); // cut inside the €
        Assert.Equal("a", Encoding.UTF8.GetString(accumulator.AddShared(euro[..2]).Span));
        Assert.Equal("€b", Encoding.UTF8.GetString(accumulator.AddShared([.. euro[2..], (byte)'b']).Span));
        Assert.Empty(accumulator.Flush());
        Assert.Equal((byte)'a', euro[0]); // the shared piece was not written to
    }
}

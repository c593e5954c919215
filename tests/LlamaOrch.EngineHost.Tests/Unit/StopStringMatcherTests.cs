using System.Buffers;
using System.Text;
using LlamaOrch.EngineHost.Protocol;

namespace LlamaOrch.EngineHost.Tests.Unit;

public sealed class StopStringMatcherTests
{
    private static (string Output, string? Matched) Run(string[] words, string text, int[] cuts)
    {
        var matcher = new StopStringMatcher(words);
        var emitted = new ArrayBufferWriter<byte>();
        var bytes = Encoding.UTF8.GetBytes(text);
        var from = 0;
        foreach (var cut in cuts.Append(bytes.Length))
        {
            matcher.Push(bytes.AsSpan(from, cut - from), emitted);
            from = cut;
        }
        matcher.Flush(emitted);
        return (Encoding.UTF8.GetString(emitted.WrittenSpan), matcher.Matched);
    }

    [Theory]
    [InlineData("Once upon a time, there was", "Once upon a ", "time")]
    [InlineData("ab ab abc", "ab ab ", "abc")]
    [InlineData("héllo wörld", "héllo ", "wö")]
    [InlineData("no stop here", "no stop here", null)]
    [InlineData("ends with a partial st", "ends with a partial st", null)]
    public void The_output_ends_before_the_first_stop_string_wherever_the_pieces_split(string text, string expected, string? matched)
    {
        string[] words = ["time", "abc", "wö", "stop!", "xyz"];
        var length = Encoding.UTF8.GetByteCount(text);
        for (var cut = 0; cut <= length; cut++)
        {
            Assert.Equal((expected, matched), Run(words, text, [cut]));
        }
        Assert.Equal((expected, matched), Run(words, text, [.. Enumerable.Range(1, length - 1)]));
    }

    [Fact]
    public void Text_that_may_start_a_stop_string_is_held_until_decided()
    {
        var matcher = new StopStringMatcher(["<end>"]);
        var emitted = new ArrayBufferWriter<byte>();

        matcher.Push("a <e"u8, emitted);
        Assert.Equal("a ", Encoding.UTF8.GetString(emitted.WrittenSpan));
        matcher.Push("x"u8, emitted);
        Assert.Equal("a <ex", Encoding.UTF8.GetString(emitted.WrittenSpan));
        Assert.Null(matcher.Matched);
    }

    [Fact]
    public void The_earliest_match_wins_and_nothing_after_it_is_emitted()
    {
        var (output, matched) = Run(["later", "ear"], "the early and later", []);

        Assert.Equal(("the ", "ear"), (output, matched));
    }
}

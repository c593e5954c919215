using LlamaOrch.EngineHost.Simulation;
using Microsoft.Extensions.Time.Testing;

namespace LlamaOrch.EngineHost.Tests.Unit;

public sealed class SimVocabularyTests
{
    private readonly SimVocabulary _vocabulary = new();

    [Theory]
    [InlineData("", 0)]
    [InlineData("   \n\t", 0)]
    [InlineData("word", 1)]
    [InlineData("  two words  ", 2)]
    [InlineData("a b\tc\nd,  e.", 5)]
    public void Tokens_are_white_space_delimited_pieces(string text, int count)
    {
        var tokens = new List<int>();
        _vocabulary.Tokenize(text, tokens);

        Assert.Equal(count, SimVocabulary.CountTokens(text));
        Assert.Equal(count, tokens.Count);
    }

    [Fact]
    public async Task Generated_text_tokenizes_back_to_the_generated_ids()
    {
        var clock = new FakeTimeProvider();
        var sequence = new SimTokenSequence(_vocabulary, "", 11, new TokenPacer(0, 0, clock.TimestampFrequency), clock);
        var generated = new List<int>();
        var text = new System.Text.StringBuilder();
        for (var i = 0; i < 200; i++)
        {
            var token = await sequence.NextAsync(CancellationToken.None);
            generated.Add(token.Id);
            text.Append(System.Text.Encoding.UTF8.GetString(token.Utf8Piece.Span));
        }

        var tokens = new List<int>();
        _vocabulary.Tokenize(text.ToString(), tokens);

        Assert.Equal(generated, tokens);
    }

    [Fact]
    public void Pieces_outside_the_vocabulary_get_stable_ids_above_it()
    {
        var first = new List<int>();
        var second = new List<int>();
        _vocabulary.Tokenize("zyzzyva quux", first);
        new SimVocabulary().Tokenize("zyzzyva quux", second);

        Assert.Equal(first, second);
        Assert.All(first, id => Assert.True(id >= _vocabulary.Count));
        Assert.NotEqual(first[0], first[1]);
    }
}

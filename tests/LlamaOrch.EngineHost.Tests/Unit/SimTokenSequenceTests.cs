using System.Text;
using LlamaOrch.EngineHost.Generation;
using LlamaOrch.EngineHost.Simulation;
using Microsoft.Extensions.Time.Testing;

namespace LlamaOrch.EngineHost.Tests.Unit;

public sealed class SimTokenSequenceTests
{
    private static readonly SimVocabulary Vocabulary = new();

    [Fact]
    public async Task Same_seed_and_prompt_give_the_same_tokens()
    {
        Assert.Equal(await IdsAsync("Once upon a time", 42), await IdsAsync("Once upon a time", 42));
    }

    [Fact]
    public async Task Different_seeds_or_prompts_give_different_tokens()
    {
        var reference = await IdsAsync("Once upon a time", 42);

        Assert.NotEqual(reference, await IdsAsync("Once upon a time", 43));
        Assert.NotEqual(reference, await IdsAsync("Once upon a time", -42));
        Assert.NotEqual(reference, await IdsAsync("Once upon a rhyme", 42));
    }

    [Fact]
    public async Task Tokens_are_words_with_a_leading_space_and_sometimes_punctuation()
    {
        var sequence = Start("", seed: 3, tokensPerSecond: 0, new FakeTimeProvider());
        var text = new StringBuilder();
        for (var i = 0; i < 500; i++)
        {
            var token = await sequence.NextAsync(CancellationToken.None);
            Assert.False(token.IsEndOfGeneration);
            var piece = Encoding.UTF8.GetString(token.Utf8Piece.Span);
            Assert.Matches("^ [A-Za-z]+[,.]?$", piece);
            text.Append(piece);
        }

        var words = text.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(char.IsUpper(words[0][0]), "an empty prompt starts a sentence");
        Assert.Contains(words, word => word.EndsWith('.'));
        Assert.Contains(words, word => word.EndsWith(','));
        for (var i = 1; i < words.Length; i++)
        {
            Assert.Equal(words[i - 1].EndsWith('.'), char.IsUpper(words[i][0]));
        }
    }

    [Fact]
    public async Task Prompt_that_ends_mid_sentence_continues_in_lower_case()
    {
        var token = await Start("The cat and", seed: 1, tokensPerSecond: 0, new FakeTimeProvider()).NextAsync(default);

        Assert.True(char.IsLower((char)token.Utf8Piece.Span[1]));
    }

    [Fact]
    public void Unpaced_tokens_are_ready_at_once()
    {
        var sequence = Start("x", seed: 1, tokensPerSecond: 0, new FakeTimeProvider());

        for (var i = 0; i < 100; i++)
        {
            Assert.True(sequence.NextAsync(CancellationToken.None).IsCompletedSuccessfully);
        }
    }

    [Fact]
    public async Task Paced_token_waits_until_due_and_cancelling_the_wait_throws()
    {
        var clock = new FakeTimeProvider();
        var sequence = Start("x", seed: 1, tokensPerSecond: 0.01, clock); // one token per 100 s

        var first = sequence.NextAsync(CancellationToken.None).AsTask();
        clock.Advance(TimeSpan.FromSeconds(99));
        Assert.False(first.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.False((await first.WaitAsync(TimeSpan.FromSeconds(10))).IsEndOfGeneration);

        using var cancellation = new CancellationTokenSource();
        var second = sequence.NextAsync(cancellation.Token);
        Assert.False(second.IsCompleted);
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await second);
    }

    [Fact]
    public void Paced_tokens_that_are_overdue_are_ready_at_once()
    {
        var clock = new FakeTimeProvider();
        var sequence = Start("x", seed: 1, tokensPerSecond: 10, clock);
        clock.Advance(TimeSpan.FromSeconds(1));

        for (var i = 0; i < 10; i++)
        {
            Assert.True(sequence.NextAsync(CancellationToken.None).IsCompletedSuccessfully);
        }

        Assert.False(sequence.NextAsync(CancellationToken.None).IsCompleted);
    }

    [Fact]
    public async Task Pacing_does_not_change_the_tokens()
    {
        var clock = new FakeTimeProvider();
        var paced = Start("same", seed: 9, tokensPerSecond: 1, clock);
        var unpaced = Start("same", seed: 9, tokensPerSecond: 0, clock);
        clock.Advance(TimeSpan.FromSeconds(100));

        for (var i = 0; i < 50; i++)
        {
            Assert.Equal((await unpaced.NextAsync(default)).Id, (await paced.NextAsync(default)).Id);
        }
    }

    private static async Task<List<int>> IdsAsync(string prompt, long seed)
    {
        var sequence = Start(prompt, seed, tokensPerSecond: 0, new FakeTimeProvider());
        var ids = new List<int>();
        for (var i = 0; i < 64; i++)
        {
            ids.Add((await sequence.NextAsync(CancellationToken.None)).Id);
        }

        return ids;
    }

    private static ITokenSequence Start(string prompt, long seed, double tokensPerSecond, FakeTimeProvider clock) =>
        new SimTokenSequence(
            Vocabulary,
            prompt,
            seed,
            new TokenPacer(tokensPerSecond, clock.GetTimestamp(), clock.TimestampFrequency),
            clock);
}

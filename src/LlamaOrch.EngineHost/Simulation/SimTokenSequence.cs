using LlamaOrch.EngineHost.Generation;

namespace LlamaOrch.EngineHost.Simulation;

/// <summary>
/// A synthetic continuation. The tokens depend only on the seed and the prompt; the clock decides only when each
/// one is handed out.
/// </summary>
internal sealed class SimTokenSequence : ITokenSequence
{
    // Out of 256: about one token in twelve ends a sentence and one in ten takes a comma, so that the text reads
    // like prose to anything that chunks or displays it.
    private const uint FullStopBelow = 21;
    private const uint CommaBelow = FullStopBelow + 26;

    private readonly SimVocabulary _vocabulary;
    private readonly TokenPacer _pacer;
    private readonly TimeProvider _time;
    private SplitMix64 _random;
    private bool _sentenceStart;
    private int _produced;

    public SimTokenSequence(SimVocabulary vocabulary, string prompt, long seed, TokenPacer pacer, TimeProvider time)
    {
        _vocabulary = vocabulary;
        _pacer = pacer;
        _time = time;
        // Multiplying by an odd constant is a bijection, so distinct seeds give distinct streams for one prompt.
        _random = new SplitMix64(StableHash.Fnv1a64(prompt) ^ unchecked((ulong)seed * 0x9E3779B97F4A7C15UL));
        _sentenceStart = EndsSentence(prompt);
    }

    public ValueTask<GeneratedToken> NextAsync(CancellationToken cancellationToken)
    {
        var token = NextToken();
        var delay = _pacer.DelayBefore(++_produced, _time.GetTimestamp());
        return delay == TimeSpan.Zero
            ? ValueTask.FromResult(token)
            : DelayAsync(token, delay, cancellationToken);
    }

    private GeneratedToken NextToken()
    {
        var bits = _random.Next();
        var word = (int)((bits >> 32) % (uint)_vocabulary.WordCount);
        var roll = (uint)bits & 0xFF;
        var punctuation = roll < FullStopBelow ? SimPunctuation.FullStop
            : roll < CommaBelow ? SimPunctuation.Comma
            : SimPunctuation.None;
        var id = SimVocabulary.IdOf(word, _sentenceStart, punctuation);
        _sentenceStart = punctuation == SimPunctuation.FullStop;
        return new GeneratedToken(id, _vocabulary.Piece(id), IsEndOfGeneration: false);
    }

    private async ValueTask<GeneratedToken> DelayAsync(
        GeneratedToken token,
        TimeSpan delay,
        CancellationToken cancellationToken)
    {
        await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
        return token;
    }

    private static bool EndsSentence(string prompt)
    {
        var trimmed = prompt.AsSpan().TrimEnd();
        return trimmed.IsEmpty || trimmed[^1] is '.' or '!' or '?';
    }

    /// <summary>A synthetic prompt costs nothing, so nothing is cached.</summary>
    public int CachedPromptTokens => 0;

    /// <summary>A synthetic sequence holds nothing that needs freeing.</summary>
    public void Dispose()
    {
    }
}

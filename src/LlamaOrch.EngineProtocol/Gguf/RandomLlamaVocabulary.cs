using System.Globalization;

namespace LlamaOrch.EngineProtocol.Gguf;

/// <summary>
/// A SentencePiece-style vocabulary laid out like stories260K's: <c>&lt;unk&gt;</c>, <c>&lt;s&gt;</c>,
/// <c>&lt;/s&gt;</c>, the 256 byte tokens <c>&lt;0x00&gt;</c>…<c>&lt;0xFF&gt;</c>, then pieces with falling scores.
/// llama.cpp's SPM tokenizer builds a word by merging adjacent pieces whose concatenation is in the vocabulary, so
/// every word comes with all its prefixes ("▁t", "▁th", "▁the"); anything else falls back to the byte tokens.
/// </summary>
internal sealed class RandomLlamaVocabulary
{
    public const int UnknownId = 0;
    public const int BosId = 1;
    public const int EosId = 2;
    public const int FirstByteId = 3;

    /// <summary>The three special tokens and the 256 byte tokens.</summary>
    public const int MinimumSize = FirstByteId + 256;

    // llama.cpp's token types (llama_token_type).
    public const int NormalType = 1;
    public const int UnknownType = 2;
    public const int ControlType = 3;
    public const int ByteType = 6;

    // SentencePiece writes a space as U+2581 and glues it to the start of the word that follows.
    private const char Space = '\u2581';

    private static readonly string Characters =
        Space + "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,!?'\"-:;()";

    private static readonly string[] Words =
    [
        "the", "a", "and", "to", "was", "he", "she", "it", "of", "in", "they", "her", "his", "with", "said", "that",
        "on", "you", "day", "for", "is", "one", "big", "had", "were", "so", "very", "Once", "upon", "time", "there",
        "little", "girl", "boy", "named", "Lily", "Tim", "Ben", "Sue", "Max", "The", "She", "He", "They", "play",
        "happy", "sad", "saw", "went", "friend", "friends", "mom", "dad", "toy", "ball", "park", "tree", "bird", "dog",
        "cat", "sun", "fun", "not", "but", "all", "be", "at", "want", "wanted", "what", "like", "liked", "help",
        "home", "house", "look", "looked", "good", "new", "red", "blue", "green", "can", "could", "do", "did", "go",
        "up", "down", "out", "away", "back", "too", "then", "when", "we", "me", "my", "your", "from", "learned",
        "smiled", "laughed", "felt", "found", "made", "make", "see", "came", "took", "gave", "are", "this", "an",
        "them", "him", "have", "after", "every", "together", "thank", "sorry", "love", "loved", "small", "nice",
    ];

    private RandomLlamaVocabulary(string[] tokens, float[] scores, int[] types)
    {
        Tokens = tokens;
        Scores = scores;
        TokenTypes = types;
    }

    public IReadOnlyList<string> Tokens { get; }

    public IReadOnlyList<float> Scores { get; }

    public IReadOnlyList<int> TokenTypes { get; }

    /// <summary>A vocabulary of exactly <paramref name="size"/> tokens; the same size always gives the same one.</summary>
    /// <param name="chat">Where given: its BOS and EOS texts name tokens 1 and 2, and its control tokens take the last ids.</param>
    public static RandomLlamaVocabulary Build(int size, RandomChatVocabulary? chat = null)
    {
        if (size < MinimumSize) throw new ArgumentOutOfRangeException(nameof(size), size, $"a vocabulary needs at least {MinimumSize} tokens");
        var controls = chat?.ControlTokens.Where(t => t != chat.BosText && t != chat.EosText).Distinct(StringComparer.Ordinal).ToList() ?? [];
        if (size < MinimumSize + controls.Count) throw new ArgumentOutOfRangeException(nameof(size), size, $"a vocabulary with {controls.Count} control tokens needs at least {MinimumSize + controls.Count} tokens");
        var tokens = new List<string>(size) { "<unk>", chat?.BosText ?? "<s>", chat?.EosText ?? "</s>" };
        var types = new List<int>(size) { UnknownType, ControlType, ControlType };
        for (var b = 0; b < 256; b++)
        {
            tokens.Add(string.Create(CultureInfo.InvariantCulture, $"<0x{b:X2}>"));
            types.Add(ByteType);
        }

        var seen = new HashSet<string>(tokens, StringComparer.Ordinal);
        void Add(string piece)
        {
            if (tokens.Count < size && seen.Add(piece))
            {
                tokens.Add(piece);
                types.Add(NormalType);
            }
        }
        void AddWithPrefixes(string piece)
        {
            for (var length = 2; length <= piece.Length; length++) Add(piece[..length]);
        }

        // The control tokens take the last ids; normal pieces fill what is left before them.
        size -= controls.Count;
        // Single characters first, so even a vocabulary of a few hundred can spell plain English without bytes.
        foreach (var c in Characters) Add(c.ToString());
        foreach (var word in Words) AddWithPrefixes(Space + word);
        // Then made-up words (aa, ab, …, zz, aaa, …) until the vocabulary is full.
        for (long n = 27; tokens.Count < size; n++) AddWithPrefixes(Space + LettersOf(n));
        foreach (var control in controls)
        {
            tokens.Add(control);
            types.Add(ControlType);
        }
        size += controls.Count;

        var scores = new float[size];
        for (var i = MinimumSize; i < size; i++) scores[i] = -(i - MinimumSize);
        return new RandomLlamaVocabulary([.. tokens], scores, [.. types]);
    }

    // Bijective base 26: 1 → "a", 26 → "z", 27 → "aa", 702 → "zz", 703 → "aaa".
    private static string LettersOf(long n)
    {
        var letters = new Stack<char>();
        while (n > 0)
        {
            n--;
            letters.Push((char)('a' + n % 26));
            n /= 26;
        }
        return new string([.. letters]);
    }
}

using System.Text;

namespace LlamaOrch.EngineHost.Simulation;

/// <summary>
/// The synthetic model's tokens: every word of <see cref="SimWords"/> with a leading space, lower-case or
/// capitalised, bare or followed by a comma or a full stop. The tokenizer splits text at white space and maps
/// each piece to the token that would print it, so the token count of generated text equals the number of
/// tokens generated; a piece that is no token gets a stable id above the vocabulary.
/// </summary>
internal sealed class SimVocabulary
{
    private const int FormsPerWord = 6;
    private const int CapitalisedForm = 3;
    private const int UnknownIdRange = 1 << 16;

    private readonly byte[][] _pieces;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _idsByText;

    public SimVocabulary()
    {
        var words = SimWords.All;
        _pieces = new byte[words.Length * FormsPerWord][];
        var ids = new Dictionary<string, int>(_pieces.Length, StringComparer.Ordinal);
        for (var word = 0; word < words.Length; word++)
        {
            var lower = words[word];
            var capitalised = string.Concat(char.ToUpperInvariant(lower[0]).ToString(), lower.AsSpan(1));
            for (var form = 0; form < FormsPerWord; form++)
            {
                var text = (form >= CapitalisedForm ? capitalised : lower) + (SimPunctuation)(form % CapitalisedForm) switch
                {
                    SimPunctuation.Comma => ",",
                    SimPunctuation.FullStop => ".",
                    _ => "",
                };
                var id = word * FormsPerWord + form;
                _pieces[id] = Encoding.UTF8.GetBytes(" " + text);
                ids.Add(text, id);
            }
        }

        _idsByText = ids.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public int WordCount => SimWords.All.Length;

    public int Count => _pieces.Length;

    public static int IdOf(int word, bool capitalised, SimPunctuation punctuation) =>
        word * FormsPerWord + (capitalised ? CapitalisedForm : 0) + (int)punctuation;

    public ReadOnlyMemory<byte> Piece(int id) => _pieces[id];

    public static int CountTokens(ReadOnlySpan<char> text)
    {
        var count = 0;
        var inPiece = false;
        foreach (var c in text)
        {
            var isSpace = char.IsWhiteSpace(c);
            if (!isSpace && !inPiece)
            {
                count++;
            }

            inPiece = !isSpace;
        }

        return count;
    }

    public void Tokenize(ReadOnlySpan<char> text, List<int> tokens)
    {
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            var isSpace = i == text.Length || char.IsWhiteSpace(text[i]);
            if (isSpace && start >= 0)
            {
                tokens.Add(IdOfText(text[start..i]));
                start = -1;
            }
            else if (!isSpace && start < 0)
            {
                start = i;
            }
        }
    }

    private int IdOfText(ReadOnlySpan<char> piece) =>
        _idsByText.TryGetValue(piece, out var id)
            ? id
            : Count + (int)(StableHash.Fnv1a64(piece) % UnknownIdRange);
}

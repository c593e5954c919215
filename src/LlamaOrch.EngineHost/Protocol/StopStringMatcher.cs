using System.Buffers;
using System.Text;

namespace LlamaOrch.EngineHost.Protocol;

/// <summary>
/// Ends a completion at the first stop string in its output. Works on the UTF-8 bytes the engine streams: a UTF-8
/// string's bytes occur in UTF-8 text only at character boundaries, so byte matching is character matching. Output
/// that may be the start of a stop string is held back until the next piece decides it; a match and whatever follows
/// it in the same piece are never emitted.
/// </summary>
internal sealed class StopStringMatcher
{
    private readonly string[] _words;
    private readonly byte[][] _utf8;
    private readonly ArrayBufferWriter<byte> _pending = new();

    public StopStringMatcher(IReadOnlyList<string> words)
    {
        _words = [.. words];
        _utf8 = [.. words.Select(w => Encoding.UTF8.GetBytes(w))];
    }

    /// <summary>The stop string that was reached; null while generation may go on.</summary>
    public string? Matched { get; private set; }

    /// <summary>
    /// Adds a piece of output and writes what is now certain to be output to <paramref name="emit"/>. After a match
    /// (see <see cref="Matched"/>) it writes the text before the match and ignores any further piece.
    /// </summary>
    public void Push(ReadOnlySpan<byte> piece, IBufferWriter<byte> emit)
    {
        if (Matched is not null) return;
        if (_utf8.Length == 0)
        {
            emit.Write(piece);
            return;
        }

        _pending.Write(piece);
        var text = _pending.WrittenSpan;
        var (at, word) = FirstMatch(text);
        if (word >= 0)
        {
            emit.Write(text[..at]);
            Matched = _words[word];
            _pending.Clear();
            return;
        }

        var keep = LongestPartialMatch(text);
        emit.Write(text[..^keep]);
        var held = text[^keep..].ToArray();
        _pending.Clear();
        _pending.Write(held);
    }

    /// <summary>Generation ended another way: what was held back is output after all.</summary>
    public void Flush(IBufferWriter<byte> emit)
    {
        if (Matched is null) emit.Write(_pending.WrittenSpan);
        _pending.Clear();
    }

    // The earliest match in the text; of matches at the same place, the stop string listed first.
    private (int At, int Word) FirstMatch(ReadOnlySpan<byte> text)
    {
        var (bestAt, bestWord) = (int.MaxValue, -1);
        for (var i = 0; i < _utf8.Length; i++)
        {
            var at = text.IndexOf(_utf8[i]);
            if (at >= 0 && at < bestAt) (bestAt, bestWord) = (at, i);
        }
        return (bestAt, bestWord);
    }

    // The longest end of the text that is the start of some stop string (shorter than it: a whole one is a match).
    private int LongestPartialMatch(ReadOnlySpan<byte> text)
    {
        var longest = 0;
        foreach (var word in _utf8)
        {
            for (var length = Math.Min(word.Length - 1, text.Length); length > longest; length--)
            {
                if (text[^length..].SequenceEqual(word.AsSpan(0, length)))
                {
                    longest = length;
                    break;
                }
            }
        }
        return longest;
    }
}

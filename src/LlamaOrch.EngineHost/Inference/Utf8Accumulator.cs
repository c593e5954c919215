namespace LlamaOrch.EngineHost.Inference;

/// <summary>
/// llama.cpp token pieces are raw bytes that may end inside a multi-byte UTF-8 character. This holds such a
/// cut-short last character back (at most 3 bytes) until the next piece completes it, so every emitted
/// piece can be written as a JSON string on its own.
/// </summary>
internal sealed class Utf8Accumulator
{
    private byte[] _pending = [];

    /// <summary>Adds a piece; returns the bytes that are now complete (possibly none).</summary>
    public byte[] Add(ReadOnlySpan<byte> piece)
    {
        var bytes = _pending.Length == 0 ? piece.ToArray() : [.. _pending, .. piece];
        var complete = CompletePrefixLength(bytes);
        _pending = bytes[complete..];
        return complete == bytes.Length ? bytes : bytes[..complete];
    }

    /// <summary>
    /// Adds a piece that no one writes to (a cached token piece); returns the bytes now complete. The common case, no
    /// byte held back and the piece whole, returns the piece itself and allocates nothing.
    /// </summary>
    public ReadOnlyMemory<byte> AddShared(byte[] piece)
    {
        if (_pending.Length > 0) return Add(piece.AsSpan());
        var complete = CompletePrefixLength(piece);
        if (complete == piece.Length) return piece;
        _pending = piece[complete..];
        return piece.AsMemory(0, complete);
    }

    /// <summary>Whatever is still held back when the generation ends, as it is.</summary>
    public byte[] Flush()
    {
        var rest = _pending;
        _pending = [];
        return rest;
    }

    internal static int CompletePrefixLength(ReadOnlySpan<byte> bytes)
    {
        for (var back = 1; back <= Math.Min(3, bytes.Length); back++)
        {
            var b = bytes[^back];
            if ((b & 0xC0) == 0x80) continue; // a continuation byte: the character started earlier
            var length = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
            return length > back ? bytes.Length - back : bytes.Length;
        }
        return bytes.Length;
    }
}

using System.Buffers.Binary;
using System.Text;

namespace LlamaOrch.EngineProtocol.Gguf;

/// <summary>
/// Little-endian primitives over a seekable stream, with its own buffer so that a header of a few hundred thousand
/// small values costs few stream calls. It always knows its offset and how many bytes are left, so every read can
/// say where the file ended, and every length can be checked against what is left before anything is allocated.
/// </summary>
internal sealed class GgufStreamReader
{
    private const int BufferSize = 64 * 1024;

    private readonly Stream _stream;
    private readonly byte[] _buffer = new byte[BufferSize];
    private int _bufferStart;
    private int _bufferEnd;

    public GgufStreamReader(Stream stream)
    {
        if (!stream.CanRead || !stream.CanSeek)
            throw new ArgumentException("a GGUF file is read from a readable, seekable stream", nameof(stream));
        _stream = stream;
        Origin = stream.Position;
        Length = stream.Length - Origin;
    }

    /// <summary>Where offset 0 is in the stream.</summary>
    public long Origin { get; }

    /// <summary>The length of the file from <see cref="Origin"/>.</summary>
    public long Length { get; }

    /// <summary>The offset of the next byte to read.</summary>
    public long Offset { get; private set; }

    public long Remaining => Length - Offset;

    public byte ReadUInt8(string what, long element = -1) => Take(1, what, element)[0];
    public sbyte ReadInt8(string what, long element = -1) => (sbyte)Take(1, what, element)[0];
    public ushort ReadUInt16(string what, long element = -1) => BinaryPrimitives.ReadUInt16LittleEndian(Take(2, what, element));
    public short ReadInt16(string what, long element = -1) => BinaryPrimitives.ReadInt16LittleEndian(Take(2, what, element));
    public uint ReadUInt32(string what, long element = -1) => BinaryPrimitives.ReadUInt32LittleEndian(Take(4, what, element));
    public int ReadInt32(string what, long element = -1) => BinaryPrimitives.ReadInt32LittleEndian(Take(4, what, element));
    public ulong ReadUInt64(string what, long element = -1) => BinaryPrimitives.ReadUInt64LittleEndian(Take(8, what, element));
    public long ReadInt64(string what, long element = -1) => BinaryPrimitives.ReadInt64LittleEndian(Take(8, what, element));
    public float ReadFloat32(string what, long element = -1) => BinaryPrimitives.ReadSingleLittleEndian(Take(4, what, element));
    public double ReadFloat64(string what, long element = -1) => BinaryPrimitives.ReadDoubleLittleEndian(Take(8, what, element));

    /// <summary>A GGUF string: a uint64 byte length, then that many bytes of UTF-8.</summary>
    public string ReadString(string what, long element = -1)
    {
        var start = Offset;
        var length = ReadUInt64(what, element);
        // The length is checked against the bytes left before anything is allocated: a corrupt length must be a
        // format error, not an OutOfMemoryException.
        if (length > (ulong)Remaining)
        {
            throw new GgufFormatException(
                $"file is truncated or corrupt: {Describe(what, element)} claims a string length of {length} bytes, but only {Remaining} bytes are left in the file",
                start);
        }
        if (length == 0) return "";
        if (length <= BufferSize) return Encoding.UTF8.GetString(Take((int)length, what, element));
        if (length > (ulong)Array.MaxLength)
            throw new GgufFormatException($"{Describe(what, element)} has a string length of {length} bytes, more than a string can hold", start);
        var bytes = new byte[(int)length];
        ReadInto(bytes, what, element);
        return Encoding.UTF8.GetString(bytes);
    }

    /// <summary>The bytes that take <paramref name="count"/> bytes from here, or a truncation error.</summary>
    public ReadOnlySpan<byte> Take(int count, string what, long element = -1)
    {
        if (_bufferEnd - _bufferStart < count) Fill(count, what, element);
        var span = _buffer.AsSpan(_bufferStart, count);
        _bufferStart += count;
        Offset += count;
        return span;
    }

    private void ReadInto(byte[] destination, string what, long element)
    {
        if (destination.Length > Remaining) throw Truncated(destination.Length, what, element);
        var buffered = Math.Min(_bufferEnd - _bufferStart, destination.Length);
        _buffer.AsSpan(_bufferStart, buffered).CopyTo(destination);
        _bufferStart += buffered;
        var filled = buffered;
        while (filled < destination.Length)
        {
            var read = _stream.Read(destination, filled, destination.Length - filled);
            if (read == 0) throw Truncated(destination.Length, what, element, Offset + filled);
            filled += read;
        }
        Offset += destination.Length;
    }

    private void Fill(int count, string what, long element)
    {
        if (count > Remaining) throw Truncated(count, what, element);
        // Keep the unread bytes, move them to the front, then read until there are enough.
        var unread = _bufferEnd - _bufferStart;
        _buffer.AsSpan(_bufferStart, unread).CopyTo(_buffer);
        _bufferStart = 0;
        _bufferEnd = unread;
        while (_bufferEnd < count)
        {
            var read = _stream.Read(_buffer, _bufferEnd, _buffer.Length - _bufferEnd);
            // The stream ended sooner than its Length said (a file being truncated under us).
            if (read == 0) throw Truncated(count, what, element, Offset + _bufferEnd);
            _bufferEnd += read;
        }
    }

    // Messages are composed only when something is wrong, so reading 250k vocabulary strings builds no text.
    private static string Describe(string what, long element) => element < 0 ? what : $"element {element} of {what}";

    // The offset reported is where the unreadable item starts; the message says where the file ends.
    private GgufFormatException Truncated(long needed, string what, long element, long? endsAt = null) =>
        new(
            $"file is truncated: {Describe(what, element)} needs {needed} byte{(needed == 1 ? "" : "s")}, but the file ends at offset {endsAt ?? Length}",
            Offset);
}

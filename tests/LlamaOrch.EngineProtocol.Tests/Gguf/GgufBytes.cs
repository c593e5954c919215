using System.Text;

namespace LlamaOrch.EngineProtocol.Tests.Gguf;

/// <summary>Hand-made GGUF bytes, for headers the writer would never produce.</summary>
internal sealed class GgufBytes
{
    private readonly MemoryStream _stream = new();
    private readonly BinaryWriter _writer; // always little-endian, as GGUF is

    public GgufBytes() => _writer = new BinaryWriter(_stream, Encoding.UTF8, leaveOpen: true);

    /// <summary>Magic, version and the two counts.</summary>
    public static GgufBytes Header(uint version = 3, ulong tensors = 0, ulong metadata = 0) =>
        new GgufBytes().Raw("GGUF"u8).U32(version).U64(tensors).U64(metadata);

    public GgufBytes Raw(ReadOnlySpan<byte> bytes)
    {
        _writer.Write(bytes);
        return this;
    }

    public GgufBytes U32(uint value)
    {
        _writer.Write(value);
        return this;
    }

    public GgufBytes U64(ulong value)
    {
        _writer.Write(value);
        return this;
    }

    public GgufBytes String(string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        return U64((ulong)bytes.Length).Raw(bytes);
    }

    public byte[] ToArray()
    {
        _writer.Flush();
        return _stream.ToArray();
    }

    public MemoryStream ToStream() => new(ToArray());
}

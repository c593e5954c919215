using System.Collections.Immutable;

namespace LlamaOrch.EngineProtocol.Gguf;

/// <summary>
/// The header of a GGUF file as <see cref="GgufReader"/> read it: version, metadata in file order, tensor infos and
/// where the data section starts. Immutable; holds no tensor data and no open file.
/// </summary>
internal sealed class GgufFile
{
    private readonly Dictionary<string, GgufTensorInfo> _tensorsByName;

    internal GgufFile(
        uint version,
        long fileLength,
        uint alignment,
        IReadOnlyDictionary<string, GgufValue> metadata,
        IReadOnlyList<GgufTensorInfo> tensors,
        long tensorInfoOffset,
        long dataOffset)
    {
        Version = version;
        FileLength = fileLength;
        Alignment = alignment;
        Metadata = metadata;
        Tensors = [.. tensors];
        TensorInfoOffset = tensorInfoOffset;
        DataOffset = dataOffset;
        _tensorsByName = Tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);

        long dataLength = 0;
        foreach (var tensor in Tensors)
        {
            // Offsets and sizes are each below long.MaxValue, but a crafted file can make their sum overflow.
            var end = tensor.Offset > long.MaxValue - tensor.ByteSize - dataOffset
                ? throw new GgufFormatException($"tensor '{tensor.Name}' ends beyond what a file can hold", tensorInfoOffset)
                : tensor.Offset + tensor.ByteSize;
            dataLength = Math.Max(dataLength, end);
        }
        TensorDataLength = dataLength;
        try
        {
            Model = GgufModelInfo.From(Metadata, Tensors);
        }
        catch (OverflowException)
        {
            throw new GgufFormatException("the tensors' total size overflows a 64-bit integer", tensorInfoOffset);
        }
    }

    /// <summary>The GGUF version: 2 or 3.</summary>
    public uint Version { get; }

    /// <summary>The length of the file when it was read.</summary>
    public long FileLength { get; }

    /// <summary><c>general.alignment</c>, or 32: tensor data offsets and the data section are multiples of it.</summary>
    public uint Alignment { get; }

    /// <summary>Every key/value pair, enumerated in file order.</summary>
    public IReadOnlyDictionary<string, GgufValue> Metadata { get; }

    /// <summary>Every tensor, in file order.</summary>
    public ImmutableArray<GgufTensorInfo> Tensors { get; }

    /// <summary>The offset where the tensor infos start, right after the metadata.</summary>
    public long TensorInfoOffset { get; }

    /// <summary>The offset of the data section; tensor offsets count from here.</summary>
    public long DataOffset { get; }

    /// <summary>The bytes the data section must have to hold every tensor: the end of the last one.</summary>
    public long TensorDataLength { get; }

    /// <summary>The facts about the model: architecture, sizes, file type, parameter count.</summary>
    public GgufModelInfo Model { get; }

    /// <summary>True when the file is long enough to hold every tensor's data.</summary>
    public bool HasCompleteTensorData => Tensors.Length == 0 || FileLength - DataOffset >= TensorDataLength;

    public GgufValue? GetValue(string key) => Metadata.GetValueOrDefault(key);

    public GgufTensorInfo? FindTensor(string name) => _tensorsByName.GetValueOrDefault(name);

    /// <summary>
    /// Throws a <see cref="GgufFormatException"/> naming the first tensor whose data lies beyond the end of the file:
    /// the usual sign of an interrupted download.
    /// </summary>
    public void VerifyTensorData()
    {
        if (HasCompleteTensorData) return;
        var available = Math.Max(0, FileLength - DataOffset);
        var first = Tensors
            .Where(t => t.Offset + t.ByteSize > available)
            .OrderBy(t => t.Offset)
            .First();
        throw new GgufFormatException(
            $"file is truncated: tensor '{first.Name}' needs bytes {DataOffset + first.Offset} to {DataOffset + first.Offset + first.ByteSize}, " +
            $"but the file ends at offset {FileLength}; the tensor data needs {DataOffset + TensorDataLength} bytes in all " +
            $"({DataOffset + TensorDataLength - FileLength} missing)",
            DataOffset + first.Offset);
    }
}

using System.Buffers;
using System.Buffers.Binary;
using System.Collections.ObjectModel;
using System.Text;

namespace LlamaOrch.EngineProtocol.Gguf;

/// <summary>
/// Writes GGUF version 3 files: metadata, tensor infos and tensor data, each tensor padded to the alignment.
/// The header is built in memory (metadata is small next to the weights); tensor data is streamed from each
/// tensor's <see cref="GgufTensorDataSource"/>, so writing a model never needs its size in memory.
/// A file is written to a temporary name beside its destination and renamed into place when complete, so a crash or
/// a cancel never leaves a half-written model where a loader could find it.
/// </summary>
internal sealed class GgufWriter
{
    public const uint Version = 3;

    // llama.cpp keeps tensor names in a 64-byte buffer with its terminating zero (GGML_MAX_NAME).
    private const int MaxTensorNameBytes = 63;

    private static readonly byte[] Zeros = new byte[256];

    private readonly OrderedDictionary<string, GgufValue> _metadata = new(StringComparer.Ordinal);
    private readonly List<(GgufTensorInfo Info, GgufTensorDataSource Source)> _tensors = [];
    private long _dataLength;

    public GgufWriter(uint alignment = GgufReader.DefaultAlignment)
    {
        if (alignment == 0 || (alignment & (alignment - 1)) != 0 || alignment > Zeros.Length)
            throw new ArgumentOutOfRangeException(nameof(alignment), alignment, $"the alignment must be a power of two up to {Zeros.Length}");
        Alignment = alignment;
        // Readers assume 32 when the key is absent, so it is written only when it says something.
        if (alignment != GgufReader.DefaultAlignment) _metadata.Add(GgufKeys.Alignment, GgufValue.UInt32(alignment));
    }

    public uint Alignment { get; }

    /// <summary>The metadata as it will be written, in order.</summary>
    public IReadOnlyDictionary<string, GgufValue> Metadata => new ReadOnlyDictionary<string, GgufValue>(_metadata);

    /// <summary>The tensor infos as they will be written, offsets included.</summary>
    public IReadOnlyList<GgufTensorInfo> Tensors => _tensors.Select(t => t.Info).ToList();

    /// <summary>The length of the data section: every tensor, each padded to the alignment.</summary>
    public long DataLength => _dataLength;

    /// <summary>Adds a metadata key/value pair; keys are unique.</summary>
    public GgufWriter Add(string key, GgufValue value)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(value);
        if (key == GgufKeys.Alignment) throw new ArgumentException("set the alignment through the GgufWriter constructor", nameof(key));
        if (!_metadata.TryAdd(key, value)) throw new ArgumentException($"metadata key '{key}' was already added", nameof(key));
        return this;
    }

    /// <summary>
    /// Adds a tensor whose data <paramref name="source"/> will write. <paramref name="dimensions"/> are in ggml order,
    /// ne0 first. Returns the tensor's info with its offset in the data section.
    /// </summary>
    public GgufTensorInfo AddTensor(string name, ReadOnlySpan<long> dimensions, GgmlType type, GgufTensorDataSource source)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(source);
        if (Encoding.UTF8.GetByteCount(name) > MaxTensorNameBytes)
            throw new ArgumentException($"tensor name '{name}' is longer than llama.cpp's {MaxTensorNameBytes} bytes", nameof(name));
        if (dimensions.Length == 0) throw new ArgumentException($"tensor '{name}' needs at least one dimension", nameof(dimensions));
        if (_tensors.Exists(t => t.Info.Name == name)) throw new ArgumentException($"tensor '{name}' was already added", nameof(name));

        var info = new GgufTensorInfo(name, dimensions.ToArray(), type, _dataLength);
        _dataLength = checked(_dataLength + GgufReader.AlignUp(info.ByteSize, Alignment));
        _tensors.Add((info, source));
        return info;
    }

    /// <summary>The header as it will be written: magic to the end of the padding before the data section.</summary>
    public byte[] BuildHeader()
    {
        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
        WriteUInt32(buffer, GgufReader.Magic);
        WriteUInt32(buffer, Version);
        WriteUInt64(buffer, (ulong)_tensors.Count);
        WriteUInt64(buffer, (ulong)_metadata.Count);
        foreach (var (key, value) in _metadata)
        {
            WriteString(buffer, key);
            WriteUInt32(buffer, (uint)value.Type);
            WriteValue(buffer, value);
        }
        foreach (var (info, _) in _tensors)
        {
            WriteString(buffer, info.Name);
            WriteUInt32(buffer, (uint)info.Dimensions.Length);
            foreach (var dimension in info.Dimensions) WriteUInt64(buffer, (ulong)dimension);
            WriteUInt32(buffer, (uint)info.Type);
            WriteUInt64(buffer, (ulong)info.Offset);
        }
        var padding = (int)(GgufReader.AlignUp(buffer.WrittenCount, Alignment) - buffer.WrittenCount);
        buffer.Write(Zeros.AsSpan(0, padding));
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Writes the whole file to <paramref name="path"/>, atomically: all of it or nothing there.</summary>
    public async Task WriteFileAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var fullPath = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(fullPath)!;
        // Beside the destination, so the final rename stays on one file system and is atomic.
        var temporary = Path.Combine(directory, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.partial");
        var header = BuildHeader();
        try
        {
            await using (var file = new FileStream(temporary, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                Share = FileShare.None,
                BufferSize = 1 << 20,
                Options = FileOptions.Asynchronous,
                // Reserves the space up front: a full disk fails here, not after minutes of writing.
                PreallocationSize = header.Length + _dataLength,
            }))
            {
                await WriteAsync(file, header, cancellationToken);
                await file.FlushAsync(cancellationToken);
                // On disk before the rename, so a power cut cannot leave the name pointing at missing data.
                file.Flush(flushToDisk: true);
            }
            File.Move(temporary, fullPath, overwrite: true);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    /// <summary>Writes the whole file to a stream (no atomicity: that is the file's job).</summary>
    public Task WriteAsync(Stream destination, CancellationToken cancellationToken = default) =>
        WriteAsync(destination, BuildHeader(), cancellationToken);

    private async Task WriteAsync(Stream destination, byte[] header, CancellationToken cancellationToken)
    {
        await destination.WriteAsync(header, cancellationToken);
        foreach (var (info, source) in _tensors)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var window = new TensorDataStream(destination, info.Name, info.ByteSize);
            await source(window, cancellationToken);
            window.EnsureComplete();
            var padding = (int)(GgufReader.AlignUp(info.ByteSize, Alignment) - info.ByteSize);
            if (padding > 0) await destination.WriteAsync(Zeros.AsMemory(0, padding), cancellationToken);
        }
    }

    private static void WriteValue(IBufferWriter<byte> buffer, GgufValue value)
    {
        switch (value.Type)
        {
            case GgufValueType.UInt8: buffer.Write([value.Get<byte>()]); break;
            case GgufValueType.Int8: buffer.Write([(byte)value.Get<sbyte>()]); break;
            case GgufValueType.UInt16: WriteUInt16(buffer, value.Get<ushort>()); break;
            case GgufValueType.Int16: WriteUInt16(buffer, (ushort)value.Get<short>()); break;
            case GgufValueType.UInt32: WriteUInt32(buffer, value.Get<uint>()); break;
            case GgufValueType.Int32: WriteUInt32(buffer, (uint)value.Get<int>()); break;
            case GgufValueType.Float32: WriteUInt32(buffer, BitConverter.SingleToUInt32Bits(value.Get<float>())); break;
            case GgufValueType.Bool: buffer.Write([value.Get<bool>() ? (byte)1 : (byte)0]); break;
            case GgufValueType.String: WriteString(buffer, value.Get<string>()); break;
            case GgufValueType.UInt64: WriteUInt64(buffer, value.Get<ulong>()); break;
            case GgufValueType.Int64: WriteUInt64(buffer, (ulong)value.Get<long>()); break;
            case GgufValueType.Float64: WriteUInt64(buffer, BitConverter.DoubleToUInt64Bits(value.Get<double>())); break;
            case GgufValueType.Array: WriteArray(buffer, value); break;
            default: throw new InvalidOperationException($"cannot write a GGUF value of type {value.Type}");
        }
    }

    private static void WriteArray(IBufferWriter<byte> buffer, GgufValue array)
    {
        var elementType = array.ArrayElementType!.Value;
        WriteUInt32(buffer, (uint)elementType);
        WriteUInt64(buffer, (ulong)array.ArrayLength);
        switch (elementType)
        {
            case GgufValueType.UInt8: foreach (var v in array.GetArray<byte>()) buffer.Write([v]); break;
            case GgufValueType.Int8: foreach (var v in array.GetArray<sbyte>()) buffer.Write([(byte)v]); break;
            case GgufValueType.UInt16: foreach (var v in array.GetArray<ushort>()) WriteUInt16(buffer, v); break;
            case GgufValueType.Int16: foreach (var v in array.GetArray<short>()) WriteUInt16(buffer, (ushort)v); break;
            case GgufValueType.UInt32: foreach (var v in array.GetArray<uint>()) WriteUInt32(buffer, v); break;
            case GgufValueType.Int32: foreach (var v in array.GetArray<int>()) WriteUInt32(buffer, (uint)v); break;
            case GgufValueType.Float32: foreach (var v in array.GetArray<float>()) WriteUInt32(buffer, BitConverter.SingleToUInt32Bits(v)); break;
            case GgufValueType.Bool: foreach (var v in array.GetArray<bool>()) buffer.Write([v ? (byte)1 : (byte)0]); break;
            case GgufValueType.String: foreach (var v in array.GetArray<string>()) WriteString(buffer, v); break;
            case GgufValueType.UInt64: foreach (var v in array.GetArray<ulong>()) WriteUInt64(buffer, v); break;
            case GgufValueType.Int64: foreach (var v in array.GetArray<long>()) WriteUInt64(buffer, (ulong)v); break;
            case GgufValueType.Float64: foreach (var v in array.GetArray<double>()) WriteUInt64(buffer, BitConverter.DoubleToUInt64Bits(v)); break;
            case GgufValueType.Array: foreach (var v in array.GetArray<GgufValue>()) WriteArray(buffer, v); break;
            default: throw new InvalidOperationException($"cannot write a GGUF array of {elementType}");
        }
    }

    private static void WriteString(IBufferWriter<byte> buffer, string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        WriteUInt64(buffer, (ulong)length);
        Encoding.UTF8.GetBytes(value, buffer);
    }

    private static void WriteUInt16(IBufferWriter<byte> buffer, ushort value)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(buffer.GetSpan(2), value);
        buffer.Advance(2);
    }

    private static void WriteUInt32(IBufferWriter<byte> buffer, uint value)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(buffer.GetSpan(4), value);
        buffer.Advance(4);
    }

    private static void WriteUInt64(IBufferWriter<byte> buffer, ulong value)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(buffer.GetSpan(8), value);
        buffer.Advance(8);
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: the write already failed, and that failure is the one to report.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

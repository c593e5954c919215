using System.Collections.ObjectModel;

namespace LlamaOrch.EngineProtocol.Gguf;

/// <summary>
/// Reads the header of a GGUF file (versions 2 and 3): metadata and tensor infos, never the tensor data, so a 70 GB
/// model costs only its header in memory. Anything it cannot trust is a <see cref="GgufFormatException"/> that says
/// what and where; every count and length is checked against the bytes left in the file before it is allocated.
/// </summary>
/// <remarks>
/// Synchronous on purpose: the header is one buffered sequential read of a few megabytes at most, and the parser is
/// far simpler without an await per value. Callers on a request path can run it on the thread pool.
/// </remarks>
internal static class GgufReader
{
    public const uint Magic = 0x46554747; // "GGUF" read as a little-endian uint32
    public const uint DefaultAlignment = 32;

    // Smallest encodings, used to bound counts by the bytes left: a key/value is a key length, a type and at least
    // one byte of value; a tensor info is a name length, a dimension count, a type and an offset.
    private const int MinKeyValueBytes = 8 + 4 + 1;
    private const int MinTensorInfoBytes = 8 + 4 + 4 + 8;

    // The spec limits tensor names to 64 bytes (llama.cpp's GGML_MAX_NAME).
    private const int MaxTensorNameBytes = 64;

    // Arrays of arrays nest; a crafted file must not be able to recurse us into a stack overflow.
    private const int MaxArrayNesting = 16;

    // Up to this many elements are allocated up front; beyond it an array grows as elements are actually read, so
    // memory follows the bytes consumed, not a count that may be corrupt in a file large enough to pass CheckCount.
    private const int PreallocatedElements = 1 << 20;

    /// <summary>Reads the header of the GGUF file at <paramref name="path"/>.</summary>
    /// <param name="verifyTensorData">Also check that the file is long enough to hold every tensor's data.</param>
    public static GgufFile Read(string path, bool verifyTensorData = true, CancellationToken cancellationToken = default)
    {
        using var stream = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.Open,
            Access = FileAccess.Read,
            Share = FileShare.Read,
            // The reader buffers by itself; the header is read front to back.
            BufferSize = 0,
            Options = FileOptions.SequentialScan,
        });
        try
        {
            return Read(stream, verifyTensorData, cancellationToken);
        }
        catch (GgufFormatException e)
        {
            throw e.WithFilePath(path);
        }
    }

    /// <summary>Reads a GGUF header from a seekable stream, starting at its current position.</summary>
    public static GgufFile Read(Stream stream, bool verifyTensorData = true, CancellationToken cancellationToken = default)
    {
        var reader = new GgufStreamReader(stream);

        var magic = reader.ReadUInt32("the magic number");
        if (magic != Magic)
            throw new GgufFormatException($"not a GGUF file: magic is {DescribeMagic(magic)}, expected \"GGUF\"", 0);

        var version = reader.ReadUInt32("the version");
        if (version is not (2 or 3))
        {
            var hint = version switch
            {
                1 => " (version 1 used 32-bit counts and is no longer supported; convert the model again)",
                0x02000000 or 0x03000000 => " (this looks like a big-endian GGUF file, which is not supported)",
                _ => "",
            };
            throw new GgufFormatException($"unsupported GGUF version {version}; versions 2 and 3 are supported{hint}", 4);
        }

        var tensorCountOffset = reader.Offset;
        var tensorCount = reader.ReadUInt64("the tensor count");
        var metadataCountOffset = reader.Offset;
        var metadataCount = reader.ReadUInt64("the metadata count");
        CheckCount(reader, metadataCount, MinKeyValueBytes, "metadata key/value pairs", metadataCountOffset);
        // Tensor infos come after the metadata, so this bound is loose; it still stops an absurd count up front.
        CheckCount(reader, tensorCount, MinTensorInfoBytes, "tensor infos", tensorCountOffset);

        // Capacities are capped: the counts are only bounded by the file size so far, not yet proven.
        var metadata = new OrderedDictionary<string, GgufValue>((int)Math.Min(metadataCount, 1024), StringComparer.Ordinal);
        long alignmentOffset = 0;
        for (ulong i = 0; i < metadataCount; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var keyOffset = reader.Offset;
            var key = reader.ReadString($"metadata key #{i}");
            var what = $"the value of metadata key '{key}'";
            var typeOffset = reader.Offset;
            var type = (GgufValueType)reader.ReadUInt32($"the type of metadata key '{key}'");
            var value = ReadValue(reader, type, what, typeOffset, depth: 0);
            if (!metadata.TryAdd(key, value))
                throw new GgufFormatException($"duplicate metadata key '{key}'", keyOffset);
            if (key == GgufKeys.Alignment) alignmentOffset = keyOffset;
        }

        var alignment = ReadAlignment(metadata, alignmentOffset);

        var tensorInfoOffset = reader.Offset;
        CheckCount(reader, tensorCount, MinTensorInfoBytes, "tensor infos", tensorCountOffset);
        var tensors = new List<GgufTensorInfo>((int)Math.Min(tensorCount, 4096));
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (ulong i = 0; i < tensorCount; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var start = reader.Offset;
            var tensor = ReadTensorInfo(reader, (long)i, alignment);
            if (!names.Add(tensor.Name)) throw new GgufFormatException($"duplicate tensor name '{tensor.Name}'", start);
            tensors.Add(tensor);
        }

        // The data section starts at the next multiple of the alignment after the tensor infos.
        var dataOffset = AlignUp(reader.Offset, alignment);
        var file = new GgufFile(
            version, reader.Length, alignment, new ReadOnlyDictionary<string, GgufValue>(metadata), tensors, tensorInfoOffset, dataOffset);
        if (verifyTensorData) file.VerifyTensorData();
        return file;
    }

    private static GgufValue ReadValue(GgufStreamReader reader, GgufValueType type, string what, long typeOffset, int depth) => type switch
    {
        GgufValueType.UInt8 => GgufValue.UInt8(reader.ReadUInt8(what)),
        GgufValueType.Int8 => GgufValue.Int8(reader.ReadInt8(what)),
        GgufValueType.UInt16 => GgufValue.UInt16(reader.ReadUInt16(what)),
        GgufValueType.Int16 => GgufValue.Int16(reader.ReadInt16(what)),
        GgufValueType.UInt32 => GgufValue.UInt32(reader.ReadUInt32(what)),
        GgufValueType.Int32 => GgufValue.Int32(reader.ReadInt32(what)),
        GgufValueType.Float32 => GgufValue.Float32(reader.ReadFloat32(what)),
        GgufValueType.Bool => GgufValue.Bool(ReadBool(reader, what, -1)),
        GgufValueType.String => GgufValue.String(reader.ReadString(what)),
        GgufValueType.UInt64 => GgufValue.UInt64(reader.ReadUInt64(what)),
        GgufValueType.Int64 => GgufValue.Int64(reader.ReadInt64(what)),
        GgufValueType.Float64 => GgufValue.Float64(reader.ReadFloat64(what)),
        GgufValueType.Array => ReadArray(reader, what, depth),
        _ => throw new GgufFormatException($"{what} has unknown value type {(uint)type}", typeOffset),
    };

    private static GgufValue ReadArray(GgufStreamReader reader, string what, int depth)
    {
        var typeOffset = reader.Offset;
        if (depth >= MaxArrayNesting)
            throw new GgufFormatException($"{what} nests arrays more than {MaxArrayNesting} deep", typeOffset);
        var elementType = (GgufValueType)reader.ReadUInt32($"the element type of {what}");
        var countOffset = reader.Offset;
        var count = reader.ReadUInt64($"the element count of {what}");
        var minElementBytes = MinEncodedBytes(elementType)
            ?? throw new GgufFormatException($"{what} is an array of unknown value type {(uint)elementType}", typeOffset);
        CheckCount(reader, count, minElementBytes, $"elements in {what}", countOffset);

        Array items = elementType switch
        {
            GgufValueType.UInt8 => Fill(count, i => reader.ReadUInt8(what, i)),
            GgufValueType.Int8 => Fill(count, i => reader.ReadInt8(what, i)),
            GgufValueType.UInt16 => Fill(count, i => reader.ReadUInt16(what, i)),
            GgufValueType.Int16 => Fill(count, i => reader.ReadInt16(what, i)),
            GgufValueType.UInt32 => Fill(count, i => reader.ReadUInt32(what, i)),
            GgufValueType.Int32 => Fill(count, i => reader.ReadInt32(what, i)),
            GgufValueType.Float32 => Fill(count, i => reader.ReadFloat32(what, i)),
            GgufValueType.Bool => Fill(count, i => ReadBool(reader, what, i)),
            GgufValueType.String => Fill(count, i => reader.ReadString(what, i)),
            GgufValueType.UInt64 => Fill(count, i => reader.ReadUInt64(what, i)),
            GgufValueType.Int64 => Fill(count, i => reader.ReadInt64(what, i)),
            GgufValueType.Float64 => Fill(count, i => reader.ReadFloat64(what, i)),
            _ => Fill(count, i => ReadArray(reader, $"element {i} of {what}", depth + 1)),
        };
        return GgufValue.WrapArray(elementType, items);
    }

    private static T[] Fill<T>(ulong count, Func<long, T> read)
    {
        if (count <= PreallocatedElements)
        {
            var items = new T[count];
            for (var i = 0; i < items.Length; i++) items[i] = read(i);
            return items;
        }
        var list = new List<T>(PreallocatedElements);
        for (ulong i = 0; i < count; i++) list.Add(read((long)i));
        return [.. list];
    }

    private static bool ReadBool(GgufStreamReader reader, string what, long element)
    {
        var offset = reader.Offset;
        return reader.ReadUInt8(what, element) switch
        {
            0 => false,
            1 => true,
            var b => throw new GgufFormatException(
                $"{(element < 0 ? what : $"element {element} of {what}")} is a bool stored as {b}; only 0 and 1 are valid", offset),
        };
    }

    private static GgufTensorInfo ReadTensorInfo(GgufStreamReader reader, long index, uint alignment)
    {
        var start = reader.Offset;
        var name = reader.ReadString($"the name of tensor #{index}");
        if (System.Text.Encoding.UTF8.GetByteCount(name) > MaxTensorNameBytes)
            throw new GgufFormatException($"tensor #{index} has a name longer than {MaxTensorNameBytes} bytes: '{name[..Math.Min(name.Length, 80)]}'", start);
        var what = $"tensor '{name}'";

        var dimensionCountOffset = reader.Offset;
        var dimensionCount = reader.ReadUInt32($"the dimension count of {what}");
        if (dimensionCount > GgufTensorInfo.MaxDimensions)
            throw new GgufFormatException($"{what} has {dimensionCount} dimensions; ggml tensors have at most {GgufTensorInfo.MaxDimensions}", dimensionCountOffset);
        Span<long> dimensions = stackalloc long[(int)dimensionCount];
        for (var d = 0; d < dimensions.Length; d++)
        {
            var dimensionOffset = reader.Offset;
            var dimension = reader.ReadUInt64($"dimension {d} of {what}");
            if (dimension > long.MaxValue)
                throw new GgufFormatException($"dimension {d} of {what} is {dimension}, beyond what ggml can address", dimensionOffset);
            dimensions[d] = (long)dimension;
        }

        var typeOffset = reader.Offset;
        var type = (GgmlType)reader.ReadUInt32($"the ggml type of {what}");
        var problem = GgufTensorInfo.TryMeasure(dimensions, type, out _, out _);
        if (problem is not null) throw new GgufFormatException($"{what}: {problem}", typeOffset);

        var offsetOffset = reader.Offset;
        var offset = reader.ReadUInt64($"the data offset of {what}");
        if (offset > long.MaxValue)
            throw new GgufFormatException($"{what} has data offset {offset}, beyond what a file can hold", offsetOffset);
        if (offset % alignment != 0)
            throw new GgufFormatException($"{what} has data offset {offset}, which is not a multiple of the alignment {alignment}", offsetOffset);

        return new GgufTensorInfo(name, dimensions.ToArray(), type, (long)offset);
    }

    private static uint ReadAlignment(IReadOnlyDictionary<string, GgufValue> metadata, long offset)
    {
        if (!metadata.TryGetValue(GgufKeys.Alignment, out var value)) return DefaultAlignment;
        // llama.cpp accepts only a uint32 power of two here; a file it would refuse should not look fine to us.
        if (value.Type != GgufValueType.UInt32)
            throw new GgufFormatException($"{GgufKeys.Alignment} must be a uint32, but it is {value.Type} {value}", offset);
        var alignment = value.Get<uint>();
        if (alignment == 0 || (alignment & (alignment - 1)) != 0)
            throw new GgufFormatException($"{GgufKeys.Alignment} must be a power of two, but it is {alignment}", offset);
        return alignment;
    }

    private static void CheckCount(GgufStreamReader reader, ulong count, int minBytesEach, string what, long offset)
    {
        var fits = (ulong)reader.Remaining / (ulong)minBytesEach;
        if (count > fits)
        {
            throw new GgufFormatException(
                $"file is truncated or corrupt: it claims {count} {what}, but the {reader.Remaining} bytes left could hold at most {fits}",
                offset);
        }
        if (count > (ulong)Array.MaxLength)
            throw new GgufFormatException($"the file claims {count} {what}, more than this reader can hold", offset);
    }

    // The fewest bytes one array element of a type takes: a string is at least its length; an array at least its
    // element type and count.
    private static int? MinEncodedBytes(GgufValueType type) => type switch
    {
        GgufValueType.UInt8 or GgufValueType.Int8 or GgufValueType.Bool => 1,
        GgufValueType.UInt16 or GgufValueType.Int16 => 2,
        GgufValueType.UInt32 or GgufValueType.Int32 or GgufValueType.Float32 => 4,
        GgufValueType.UInt64 or GgufValueType.Int64 or GgufValueType.Float64 or GgufValueType.String => 8,
        GgufValueType.Array => 4 + 8,
        _ => null,
    };

    internal static long AlignUp(long offset, uint alignment) => (offset + alignment - 1) / alignment * alignment;

    private static string DescribeMagic(uint magic)
    {
        Span<byte> bytes = stackalloc byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(bytes, magic);
        var printable = true;
        foreach (var b in bytes) printable &= b is >= 0x20 and < 0x7f;
        var hex = $"0x{bytes[0]:X2} 0x{bytes[1]:X2} 0x{bytes[2]:X2} 0x{bytes[3]:X2}";
        return printable ? $"\"{System.Text.Encoding.ASCII.GetString(bytes)}\" ({hex})" : hex;
    }
}

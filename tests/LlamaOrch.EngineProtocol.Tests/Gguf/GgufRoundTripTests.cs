using LlamaOrch.Testing;
using System.Buffers.Binary;
using LlamaOrch.EngineProtocol.Gguf;

namespace LlamaOrch.EngineProtocol.Tests.Gguf;

/// <summary>What the writer writes, the reader reads back: every value type, every tensor info, the file size.</summary>
public sealed class GgufRoundTripTests
{
    private static readonly LlamaModelShape Small = new(VocabSize: 300, EmbeddingLength: 32, BlockCount: 2, HeadCount: 4, HeadCountKv: 2, FeedForwardLength: 48, ContextLength: 256);

    [Fact]
    public async Task A_random_model_reads_back_exactly_as_written()
    {
        using var directory = new TempDirectory();
        var path = directory.Combine("small.gguf");
        var writer = RandomLlamaModelWriter.Create(Small, GgmlType.F16, seed: 7);

        await writer.WriteFileAsync(path);
        var file = GgufReader.Read(path);

        Assert.Equal(writer.Metadata.ToList(), file.Metadata.ToList());
        Assert.Equal(writer.Tensors, file.Tensors);
        Assert.Equal(writer.BuildHeader().Length, file.DataOffset);
        Assert.Equal(new FileInfo(path).Length, file.DataOffset + writer.DataLength);
        Assert.Equal(file.FileLength, new FileInfo(path).Length);
        Assert.Equal(Small.ParameterCount, file.Model.ParameterCount);
        Assert.Equal(["small.gguf"], Directory.GetFiles(directory.Path).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Every_value_type_round_trips()
    {
        var values = new Dictionary<string, GgufValue>
        {
            ["t.u8"] = GgufValue.UInt8(byte.MaxValue),
            ["t.i8"] = GgufValue.Int8(sbyte.MinValue),
            ["t.u16"] = GgufValue.UInt16(ushort.MaxValue),
            ["t.i16"] = GgufValue.Int16(short.MinValue),
            ["t.u32"] = GgufValue.UInt32(uint.MaxValue),
            ["t.i32"] = GgufValue.Int32(int.MinValue),
            ["t.f32"] = GgufValue.Float32(float.NaN),
            ["t.bool"] = GgufValue.Bool(true),
            ["t.string"] = GgufValue.String("Grüße, ▁world — 🦙"),
            ["t.empty_string"] = GgufValue.String(""),
            ["t.u64"] = GgufValue.UInt64(ulong.MaxValue),
            ["t.i64"] = GgufValue.Int64(long.MinValue),
            ["t.f64"] = GgufValue.Float64(-0.0),
            ["a.u8"] = GgufValue.Array<byte>([0, 1, 255]),
            ["a.i8"] = GgufValue.Array<sbyte>([-128, 0, 127]),
            ["a.u16"] = GgufValue.Array<ushort>([0, 65535]),
            ["a.i16"] = GgufValue.Array<short>([-1, 1]),
            ["a.u32"] = GgufValue.Array<uint>([1, 2, 3]),
            ["a.i32"] = GgufValue.Array<int>([-1, int.MaxValue]),
            ["a.f32"] = GgufValue.Array<float>([1.5f, float.NegativeInfinity]),
            ["a.bool"] = GgufValue.Array<bool>([true, false, true]),
            ["a.string"] = GgufValue.Array<string>(["a", "", "▁the"]),
            ["a.u64"] = GgufValue.Array<ulong>([ulong.MaxValue]),
            ["a.i64"] = GgufValue.Array<long>([long.MinValue, 0]),
            ["a.f64"] = GgufValue.Array<double>([Math.PI]),
            ["a.empty"] = GgufValue.Array<int>([]),
            ["a.nested"] = GgufValue.Array<GgufValue>(
            [
                GgufValue.Array<string>(["x", "y"]),
                GgufValue.Array<GgufValue>([GgufValue.Array<int>([1, 2]), GgufValue.Array<float>([])]),
            ]),
        };
        var writer = new GgufWriter(alignment: 64);
        foreach (var (key, value) in values) writer.Add(key, value);
        writer.AddTensor("odd", [3], GgmlType.I8, Bytes(1, 2, 3));
        writer.AddTensor("quantized", [64, 2], GgmlType.Q8_0, Bytes(new byte[2 * 2 * 34]));

        using var stream = new MemoryStream();
        await writer.WriteAsync(stream);
        stream.Position = 0;
        var file = GgufReader.Read(stream);

        Assert.Equal(64u, file.Alignment);
        Assert.Equal(GgufValue.UInt32(64), file.Metadata["general.alignment"]);
        foreach (var (key, value) in values) Assert.Equal(value, file.Metadata[key]);
        Assert.Equal(writer.Tensors, file.Tensors);
        Assert.Equal([0L, 64L], file.Tensors.Select(t => t.Offset));
        Assert.Equal(136, file.FindTensor("quantized")!.ByteSize);
        Assert.Equal(0, file.DataOffset % 64);
        Assert.Equal(stream.Length, file.DataOffset + 64 + 192);
    }

    [Fact]
    public async Task Norms_are_one_and_weights_small()
    {
        using var directory = new TempDirectory();
        var path = directory.Combine("weights.gguf");
        await RandomLlamaModelWriter.WriteFileAsync(path, Small, GgmlType.F32, seed: 3);
        var file = GgufReader.Read(path);

        var norm = ReadFloats(path, file, "blk.1.ffn_norm.weight");
        Assert.Equal(32, norm.Length);
        Assert.All(norm, v => Assert.Equal(1f, v));
        var weights = ReadFloats(path, file, "blk.0.attn_k.weight");
        Assert.Equal(32 * 16, weights.Length);
        Assert.All(weights, v => Assert.InRange(v, -RandomLlamaModelWriter.WeightScale, RandomLlamaModelWriter.WeightScale));
        Assert.True(weights.Distinct().Count() > weights.Length / 2, "weights should be random, not constant");
    }

    [Fact]
    public async Task A_source_that_writes_the_wrong_size_fails_and_leaves_no_file()
    {
        using var directory = new TempDirectory();
        var path = directory.Combine("bad.gguf");
        var writer = new GgufWriter();
        writer.AddTensor("short", [4], GgmlType.F32, Bytes(new byte[15]));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => writer.WriteFileAsync(path));

        Assert.Contains("'short' wrote 15 bytes, but the tensor has 16", error.Message);
        Assert.Empty(Directory.GetFileSystemEntries(directory.Path));
    }

    [Fact]
    public async Task A_cancelled_write_leaves_the_previous_file_untouched()
    {
        using var directory = new TempDirectory();
        var path = directory.Combine("model.gguf");
        await File.WriteAllTextAsync(path, "previous");
        using var cancel = new CancellationTokenSource();
        var writer = new GgufWriter();
        writer.AddTensor("first", [8], GgmlType.F32, async (destination, ct) =>
        {
            await destination.WriteAsync(new byte[32], ct);
            await cancel.CancelAsync();
        });
        writer.AddTensor("second", [8], GgmlType.F32, Bytes(new byte[32]));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => writer.WriteFileAsync(path, cancel.Token));

        Assert.Equal("previous", await File.ReadAllTextAsync(path));
        Assert.Equal(["model.gguf"], Directory.GetFiles(directory.Path).Select(Path.GetFileName));
    }

    internal static GgufTensorDataSource Bytes(params byte[] bytes) =>
        (destination, cancellationToken) => destination.WriteAsync(bytes, cancellationToken);

    private static float[] ReadFloats(string path, GgufFile file, string tensorName)
    {
        var tensor = file.FindTensor(tensorName)!;
        using var stream = File.OpenRead(path);
        stream.Position = file.DataOffset + tensor.Offset;
        var bytes = new byte[tensor.ByteSize];
        stream.ReadExactly(bytes);
        var floats = new float[bytes.Length / 4];
        for (var i = 0; i < floats.Length; i++) floats[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * 4));
        return floats;
    }
}

using LlamaOrch.Testing;
using LlamaOrch.EngineProtocol.Gguf;

namespace LlamaOrch.EngineProtocol.Tests.Gguf;

/// <summary>Broken files give a <see cref="GgufFormatException"/> that says what is wrong and where, never anything else.</summary>
public sealed class GgufReaderErrorTests
{
    private static readonly LlamaModelShape Small = new(VocabSize: 300, EmbeddingLength: 32, BlockCount: 2, HeadCount: 4, HeadCountKv: 2, FeedForwardLength: 48, ContextLength: 256);

    private static async Task<byte[]> SmallModel()
    {
        using var stream = new MemoryStream();
        await RandomLlamaModelWriter.Create(Small, GgmlType.F32, seed: 2).WriteAsync(stream);
        return stream.ToArray();
    }

    [Fact]
    public void A_wrong_magic_is_not_a_gguf_file()
    {
        var bytes = GgufBytes.Header().ToArray();
        "GGML"u8.CopyTo(bytes);

        var error = Assert.Throws<GgufFormatException>(() => Read(bytes));

        Assert.StartsWith("not a GGUF file: magic is \"GGML\" (0x47 0x47 0x4D 0x4C), expected \"GGUF\"", error.Message);
        Assert.Equal(0, error.Offset);
    }

    [Fact]
    public void A_binary_magic_is_shown_in_hex()
    {
        var error = Assert.Throws<GgufFormatException>(() => Read([0x7F, 0x45, 0x4C, 0x46, 2, 1, 1, 0]));

        Assert.Contains("not a GGUF file: magic is 0x7F 0x45 0x4C 0x46", error.Message);
    }

    [Fact]
    public void Version_1_is_unsupported()
    {
        var error = Assert.Throws<GgufFormatException>(() => Read(GgufBytes.Header(version: 1).ToArray()));

        Assert.Contains("unsupported GGUF version 1; versions 2 and 3 are supported", error.Message);
        Assert.Equal(4, error.Offset);
    }

    [Fact]
    public void Version_2_reads()
    {
        var file = GgufReader.Read(GgufBytes.Header(version: 2, metadata: 1).String("general.architecture").U32(8).String("llama").ToStream());

        Assert.Equal(2u, file.Version);
        Assert.Equal("llama", file.Model.Architecture);
    }

    [Fact]
    public void A_big_endian_file_says_so()
    {
        var bytes = new GgufBytes().Raw("GGUF"u8).Raw([0, 0, 0, 3]).U64(0).U64(0).ToArray();

        var error = Assert.Throws<GgufFormatException>(() => Read(bytes));

        Assert.Contains("big-endian", error.Message);
    }

    [Fact]
    public void The_error_names_the_file_when_read_from_a_path()
    {
        using var directory = new TempDirectory();
        var path = directory.Combine("empty.gguf");
        File.WriteAllBytes(path, []);

        var error = Assert.Throws<GgufFormatException>(() => GgufReader.Read(path));

        Assert.Equal(path + ": file is truncated: the magic number needs 4 bytes, but the file ends at offset 0 (at byte offset 0)", error.Message);
        Assert.Equal(path, error.FilePath);
    }

    [Theory]
    [InlineData(2, "the magic number", 0)]
    [InlineData(6, "the version", 4)]
    [InlineData(13, "the tensor count", 8)]
    [InlineData(20, "the metadata count", 16)]
    public async Task Truncation_in_the_header_is_reported(int length, string what, long offset)
    {
        var bytes = await SmallModel();

        var error = Assert.Throws<GgufFormatException>(() => Read(bytes[..length]));

        Assert.StartsWith($"file is truncated: {what} needs", error.Message);
        Assert.Contains($"the file ends at offset {length}", error.Message);
        Assert.Equal(offset, error.Offset);
    }

    [Fact]
    public async Task Truncation_in_the_metadata_is_reported()
    {
        var bytes = await SmallModel();
        var whole = Read(bytes);

        // Halfway through the metadata is inside the vocabulary, the bulk of it.
        var error = Assert.Throws<GgufFormatException>(() => Read(bytes[..(int)(whole.TensorInfoOffset / 2)]));

        Assert.StartsWith("file is truncated", error.Message);
        Assert.Contains("the value of metadata key 'tokenizer.ggml.tokens'", error.Message);
    }

    [Fact]
    public async Task Truncation_in_the_tensor_infos_is_reported()
    {
        var bytes = await SmallModel();
        var whole = Read(bytes);
        // The last tensor info is 53 bytes and at most 31 bytes of padding follow it: 40 bytes before the data
        // section is inside it.
        var cut = (int)whole.DataOffset - 40;

        var error = Assert.Throws<GgufFormatException>(() => Read(bytes[..cut]));

        Assert.StartsWith("file is truncated", error.Message);
        Assert.Matches(@"of tensor (#20|'blk\.1\.ffn_norm\.weight') (needs|claims)", error.Message);
        Assert.InRange(error.Offset, whole.TensorInfoOffset, cut);
    }

    [Fact]
    public async Task Tensor_data_cut_short_is_reported_with_the_tensor_and_the_missing_bytes()
    {
        var bytes = await SmallModel();
        var whole = Read(bytes);
        var cut = bytes.Length - 100;

        var error = Assert.Throws<GgufFormatException>(() => Read(bytes[..cut]));

        Assert.StartsWith("file is truncated: tensor 'blk.1.ffn_norm.weight' needs bytes", error.Message);
        Assert.Contains($"but the file ends at offset {cut}", error.Message);
        Assert.Contains("(100 missing)", error.Message);
        Assert.Equal(whole.DataOffset + whole.FindTensor("blk.1.ffn_norm.weight")!.Offset, error.Offset);
        // Asked not to verify, the reader returns the header and says the data is incomplete.
        var header = GgufReader.Read(new MemoryStream(bytes[..cut]), verifyTensorData: false);
        Assert.False(header.HasCompleteTensorData);
        Assert.Equal(whole.Tensors.AsEnumerable(), header.Tensors);
    }

    [Fact]
    public async Task Every_cut_before_the_end_is_a_format_error()
    {
        var bytes = await SmallModel();
        var dataOffset = (int)GgufReader.Read(new MemoryStream(bytes)).DataOffset;

        for (var length = 0; length < bytes.Length; length += length < dataOffset ? 1 : 997)
        {
            var cut = length;
            var error = Assert.Throws<GgufFormatException>(() => Read(bytes[..cut]));
            Assert.Contains("truncated", error.Message);
        }
        Assert.NotNull(Read(bytes));
    }

    [Fact]
    public void A_string_longer_than_the_file_is_a_format_error_not_an_allocation()
    {
        var bytes = GgufBytes.Header(metadata: 1).U64(ulong.MaxValue / 2).Raw("general.name"u8).ToArray();

        var error = Assert.Throws<GgufFormatException>(() => Read(bytes));

        Assert.Contains("metadata key #0 claims a string length of 9223372036854775807 bytes, but only 12 bytes are left", error.Message);
        Assert.Equal(24, error.Offset);
    }

    [Fact]
    public void A_string_value_longer_than_the_file_names_its_key()
    {
        var bytes = GgufBytes.Header(metadata: 1).String("general.name").U32(8).U64(1L << 40).Raw("llama"u8).ToArray();

        var error = Assert.Throws<GgufFormatException>(() => Read(bytes));

        Assert.Contains("the value of metadata key 'general.name' claims a string length of 1099511627776 bytes", error.Message);
    }

    [Fact]
    public void An_array_count_larger_than_the_file_is_a_format_error()
    {
        var bytes = GgufBytes.Header(metadata: 1).String("tokenizer.ggml.scores").U32(9).U32(6).U64(1UL << 60).U32(0).ToArray();

        var error = Assert.Throws<GgufFormatException>(() => Read(bytes));

        Assert.Contains("it claims 1152921504606846976 elements in the value of metadata key 'tokenizer.ggml.scores'", error.Message);
    }

    [Fact]
    public void Absurd_counts_in_the_header_are_format_errors()
    {
        var tensors = Assert.Throws<GgufFormatException>(() => Read(GgufBytes.Header(tensors: 1UL << 62).ToArray()));
        var metadata = Assert.Throws<GgufFormatException>(() => Read(GgufBytes.Header(metadata: ulong.MaxValue).ToArray()));

        Assert.Contains("it claims 4611686018427387904 tensor infos", tensors.Message);
        Assert.Contains("it claims 18446744073709551615 metadata key/value pairs", metadata.Message);
    }

    [Fact]
    public void Unknown_types_are_format_errors()
    {
        var value = GgufBytes.Header(metadata: 1).String("x").U32(42).U64(0);
        var tensor = GgufBytes.Header(tensors: 1).String("w").U32(1).U64(32).U32(99).U64(0);

        Assert.Contains("the value of metadata key 'x' has unknown value type 42", Assert.Throws<GgufFormatException>(() => Read(value.ToArray())).Message);
        Assert.Contains("tensor 'w': unknown ggml tensor type 99", Assert.Throws<GgufFormatException>(() => Read(tensor.ToArray())).Message);
    }

    [Fact]
    public void Impossible_tensor_infos_are_format_errors()
    {
        static string Problem(GgufBytes bytes) => Assert.Throws<GgufFormatException>(() => Read(bytes.ToArray())).Message;

        Assert.Contains("has 5 dimensions", Problem(GgufBytes.Header(tensors: 1).String("w").U32(5).U64(1).U64(1).U64(1).U64(1).U64(1).U32(0).U64(0)));
        Assert.Contains("first dimension 100 is not a multiple of the Q4_K block size 256", Problem(GgufBytes.Header(tensors: 1).String("w").U32(1).U64(100).U32(12).U64(0)));
        Assert.Contains("not a multiple of the alignment 32", Problem(GgufBytes.Header(tensors: 1).String("w").U32(1).U64(8).U32(0).U64(4)));
        Assert.Contains("element count overflows", Problem(GgufBytes.Header(tensors: 1).String("w").U32(2).U64(1UL << 40).U64(1UL << 40).U32(0).U64(0)));
        Assert.Contains("duplicate tensor name 'w'", Problem(GgufBytes.Header(tensors: 2).String("w").U32(1).U64(8).U32(0).U64(0).String("w").U32(1).U64(8).U32(0).U64(32)));
    }

    [Fact]
    public void Duplicate_keys_bad_alignment_and_deep_nesting_are_format_errors()
    {
        static string Problem(GgufBytes bytes) => Assert.Throws<GgufFormatException>(() => Read(bytes.ToArray())).Message;

        Assert.Contains("duplicate metadata key 'a'", Problem(GgufBytes.Header(metadata: 2).String("a").U32(4).U32(1).String("a").U32(4).U32(2)));
        Assert.Contains("general.alignment must be a power of two, but it is 48", Problem(GgufBytes.Header(metadata: 1).String("general.alignment").U32(4).U32(48)));
        var deep = GgufBytes.Header(metadata: 1).String("deep").U32(9);
        for (var i = 0; i < 40; i++) deep.U32(9).U64(1);
        Assert.Contains("nests arrays more than 16 deep", Problem(deep.U32(4).U64(0)));
    }

    [Fact]
    public async Task Corrupt_bytes_give_format_errors_or_a_valid_read_and_nothing_else()
    {
        var bytes = await SmallModel();
        var headerLength = (int)GgufReader.Read(new MemoryStream(bytes)).DataOffset;
        var random = new Random(1234);
        var errors = 0;

        for (var i = 0; i < 3000; i++)
        {
            var corrupt = (byte[])bytes.Clone();
            for (var flips = random.Next(1, 4); flips > 0; flips--)
                corrupt[random.Next(headerLength)] = (byte)random.Next(256);
            try
            {
                // A read that succeeds describes a file that holds every tensor it names.
                var file = Read(corrupt);
                Assert.True(file.HasCompleteTensorData);
                Assert.All(file.Tensors, t => Assert.InRange(file.DataOffset + t.Offset + t.ByteSize, file.DataOffset, corrupt.Length));
            }
            catch (GgufFormatException error)
            {
                // An error says where: an offset inside the file, or past its end where the file is too short for what it claims.
                errors++;
                Assert.True(error.Offset >= 0, error.Message);
                Assert.True(error.Offset <= corrupt.Length || error.Problem.StartsWith("file is truncated", StringComparison.Ordinal), error.Message);
                Assert.False(string.IsNullOrWhiteSpace(error.Problem));
                Assert.EndsWith($"(at byte offset {error.Offset})", error.Message);
            }
        }

        // The seed reaches both outcomes, so neither branch above goes untested.
        Assert.InRange(errors, 1, 2999);
    }

    private static GgufFile Read(byte[] bytes) => GgufReader.Read(new MemoryStream(bytes));
}

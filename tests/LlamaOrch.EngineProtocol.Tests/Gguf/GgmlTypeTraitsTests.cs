using LlamaOrch.EngineProtocol.Gguf;

namespace LlamaOrch.EngineProtocol.Tests.Gguf;

public sealed class GgmlTypeTraitsTests
{
    [Theory]
    [InlineData(nameof(GgmlType.F32), 1, 4)]
    [InlineData(nameof(GgmlType.F16), 1, 2)]
    [InlineData(nameof(GgmlType.BF16), 1, 2)]
    [InlineData(nameof(GgmlType.Q4_0), 32, 18)]
    [InlineData(nameof(GgmlType.Q4_1), 32, 20)]
    [InlineData(nameof(GgmlType.Q5_0), 32, 22)]
    [InlineData(nameof(GgmlType.Q5_1), 32, 24)]
    [InlineData(nameof(GgmlType.Q8_0), 32, 34)]
    [InlineData(nameof(GgmlType.Q8_1), 32, 40)]
    [InlineData(nameof(GgmlType.Q2_K), 256, 84)]
    [InlineData(nameof(GgmlType.Q3_K), 256, 110)]
    [InlineData(nameof(GgmlType.Q4_K), 256, 144)]
    [InlineData(nameof(GgmlType.Q5_K), 256, 176)]
    [InlineData(nameof(GgmlType.Q6_K), 256, 210)]
    [InlineData(nameof(GgmlType.Q8_K), 256, 292)]
    [InlineData(nameof(GgmlType.IQ2_XXS), 256, 66)]
    [InlineData(nameof(GgmlType.IQ2_XS), 256, 74)]
    [InlineData(nameof(GgmlType.IQ3_XXS), 256, 98)]
    [InlineData(nameof(GgmlType.IQ1_S), 256, 50)]
    [InlineData(nameof(GgmlType.IQ4_NL), 32, 18)]
    [InlineData(nameof(GgmlType.IQ3_S), 256, 110)]
    [InlineData(nameof(GgmlType.IQ2_S), 256, 82)]
    [InlineData(nameof(GgmlType.IQ4_XS), 256, 136)]
    [InlineData(nameof(GgmlType.IQ1_M), 256, 56)]
    [InlineData(nameof(GgmlType.TQ1_0), 256, 54)]
    [InlineData(nameof(GgmlType.TQ2_0), 256, 66)]
    [InlineData(nameof(GgmlType.MXFP4), 32, 17)]
    [InlineData(nameof(GgmlType.I8), 1, 1)]
    [InlineData(nameof(GgmlType.I16), 1, 2)]
    [InlineData(nameof(GgmlType.I32), 1, 4)]
    [InlineData(nameof(GgmlType.I64), 1, 8)]
    [InlineData(nameof(GgmlType.F64), 1, 8)]
    public void Block_sizes_match_ggml(string typeName, int blockSize, int typeSize)
    {
        var traits = GgmlTypeTraits.Get(Enum.Parse<GgmlType>(typeName));

        Assert.Equal(blockSize, traits.BlockSize);
        Assert.Equal(typeSize, traits.TypeSize);
    }

    [Fact]
    public void Tensor_sizes_follow_the_blocks()
    {
        // A 4096 × 4096 Q4_K matrix: 65536 super-blocks of 144 bytes, 4.5 bits per weight.
        Assert.Equal(9_437_184, new GgufTensorInfo("w", [4096, 4096], GgmlType.Q4_K, 0).ByteSize);
        Assert.Equal(4096L * 11008 / 32 * 34, new GgufTensorInfo("w", [4096, 11008], GgmlType.Q8_0, 0).ByteSize);
        Assert.Equal(64 * 2, new GgufTensorInfo("w", [64], GgmlType.BF16, 0).ByteSize);
    }

    [Fact]
    public void Unknown_types_are_refused_by_number()
    {
        Assert.False(GgmlTypeTraits.TryGet((GgmlType)4, out _));
        Assert.Contains("unknown ggml tensor type 4", Assert.Throws<NotSupportedException>(() => GgmlTypeTraits.Get((GgmlType)4)).Message);
        Assert.Contains("unknown ggml tensor type 77", Assert.Throws<ArgumentException>(() => new GgufTensorInfo("w", [32], (GgmlType)77, 0)).Message);
    }

    [Theory]
    [InlineData(0u, "F32")]
    [InlineData(1u, "F16")]
    [InlineData(7u, "Q8_0")]
    [InlineData(15u, "Q4_K_M")]
    [InlineData(18u, "Q6_K")]
    [InlineData(30u, "IQ4_XS")]
    [InlineData(32u, "BF16")]
    [InlineData(38u, "MXFP4_MOE")]
    [InlineData(1024u + 15u, "Q4_K_M (guessed)")]
    [InlineData(4u, "unknown (4)")]
    public void File_types_have_readable_names(uint fileType, string name) =>
        Assert.Equal(name, GgufFileTypeNames.Describe(fileType));
}

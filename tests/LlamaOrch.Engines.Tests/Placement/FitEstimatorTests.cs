using LlamaOrch.EngineProtocol.Gguf;
using LlamaOrch.Engines.Placement;
using LlamaOrch.Testing;

namespace LlamaOrch.Engines.Tests.Placement;

public sealed class FitEstimatorTests
{
    private const long MiB = 1024L * 1024;
    private const long GiB = 1024 * MiB;

    // Llama-2-7B: 32 layers of 4096, 32 heads with their own K and V, a 32k vocabulary.
    private static readonly LlamaModelShape Llama7B = new(
        VocabSize: 32_000, EmbeddingLength: 4096, BlockCount: 32, HeadCount: 32, HeadCountKv: 32, FeedForwardLength: 11_008, ContextLength: 4096);

    [Fact]
    public void Stories260K_is_sized_from_its_header()
    {
        var estimate = FitEstimator.EstimateFile(RepoPaths.Stories260K, ctxPerSlot: 256, slots: 2);

        // 292,800 F32 weights.
        Assert.Equal(1_171_200, estimate.WeightsBytes);
        // 5 layers × 512 cells × (K and V) × 32 wide (64 / 8 heads × 4 KV heads) × 2 bytes.
        Assert.Equal(5 * 512 * 2 * 32 * 2, estimate.KvBytes);
        Assert.Equal(327_680, estimate.KvBytes);
        // 4 bytes × 512 tokens × max(512 + 64 for the logits, 1 + 4 × 64 + 512 cells × (1 + 8 heads) for attention).
        Assert.Equal(4 * 512 * (1 + 4 * 64 + 512 * 9), estimate.ComputeBytes);
        Assert.Equal(512 * MiB, estimate.OverheadBytes);
        Assert.Equal(1_171_200 + 327_680 + 9_963_520 + 512 * MiB, estimate.Total);
        Assert.Equal(
            "522.9 MiB (weights 1.1 MiB, KV cache 320.0 KiB for 2 slots × 256 tokens, compute 9.5 MiB, overhead 512.0 MiB)",
            estimate.Describe());
    }

    [Fact]
    public void Each_slot_s_cache_is_padded_to_256_cells()
    {
        var info = GgufReader.Read(RepoPaths.Stories260K).Model;

        var estimate = FitEstimator.Estimate(info, ctxPerSlot: 100, slots: 3);

        Assert.Equal(5 * (3 * 256) * 2 * 32 * 2, estimate.KvBytes);
    }

    [Fact]
    public void A_7B_model_is_sized_from_a_sparse_file_without_its_tensor_data()
    {
        using var directory = new TempDirectory();
        var path = directory.Combine("llama-7b-f16.gguf");
        var length = WriteSparse(path, RandomLlamaModelWriter.Create(Llama7B, GgmlType.F16));

        var estimate = FitEstimator.EstimateFile(path, ctxPerSlot: 4096, slots: 4);

        Assert.True(length > 13_000_000_000, $"the file is {length} bytes");
        // Matrices F16, the 65 norms of 4096 F32.
        var norms = 4096L * (2 * 32 + 1);
        Assert.Equal((Llama7B.ParameterCount - norms) * 2 + norms * 4, estimate.WeightsBytes);
        Assert.Equal(13_477_363_712, estimate.WeightsBytes);
        // 32 layers × 16384 cells × (K and V) × 4096 × 2 bytes.
        Assert.Equal(8 * GiB, estimate.KvBytes);
        Assert.Equal(4L * 512 * (1 + 4 * 4096 + 16_384 * 33), estimate.ComputeBytes);
        Assert.Equal(estimate.WeightsBytes + 8 * GiB + estimate.ComputeBytes + 512 * MiB, estimate.Total);
        Assert.Equal(
            "22.1 GiB (weights 12.6 GiB, KV cache 8.0 GiB for 4 slots × 4096 tokens, compute 1.1 GiB, overhead 512.0 MiB)",
            estimate.Describe());
    }

    [Fact]
    public void One_slot_of_a_7B_model_matches_what_llama_cpp_allocates()
    {
        var info = RandomLlamaModelInfo(Llama7B);

        var estimate = FitEstimator.Estimate(info, ctxPerSlot: 4096, slots: 1);

        // llama.cpp logs "KV self size = 2048.00 MiB" and, without flash attention, "compute buffer size = 296.00 MiB".
        Assert.Equal(2048 * MiB, estimate.KvBytes);
        Assert.Equal(296, estimate.ComputeBytes / MiB);
    }

    [Fact]
    public void A_large_vocabulary_sizes_the_compute_buffer_by_its_logits()
    {
        // A short context and a 256k vocabulary: the logits outgrow the attention scores.
        var info = new GgufModelInfo
        {
            Architecture = "gemma3", BlockCount = 26, EmbeddingLength = 1152, HeadCount = 4, HeadCountKv = 1, VocabSize = 262_144,
        };

        var estimate = FitEstimator.Estimate(info, ctxPerSlot: 512, slots: 1);

        Assert.Equal(4L * 512 * (262_144 + 1152), estimate.ComputeBytes);
    }

    [Fact]
    public void Without_a_kv_head_count_every_head_has_its_own_kv()
    {
        var info = new GgufModelInfo { Architecture = "llama", BlockCount = 2, EmbeddingLength = 256, HeadCount = 4, VocabSize = 1000 };

        var estimate = FitEstimator.Estimate(info, ctxPerSlot: 256, slots: 1);

        Assert.Equal(2 * 256 * 2 * 256 * 2, estimate.KvBytes);
    }

    [Fact]
    public async Task Explicit_key_and_value_lengths_size_the_cache()
    {
        // Gemma-style: the head size is its own key, not embedding / heads (2048 / 8 = 256 here); K and V may differ.
        using var directory = new TempDirectory();
        var path = directory.Combine("heads.gguf");
        await new GgufWriter()
            .Add(GgufKeys.Architecture, GgufValue.String("gemma3"))
            .Add("gemma3.block_count", GgufValue.UInt32(4))
            .Add("gemma3.embedding_length", GgufValue.UInt32(2048))
            .Add("gemma3.attention.head_count", GgufValue.UInt32(8))
            .Add("gemma3.attention.head_count_kv", GgufValue.UInt32(1))
            .Add("gemma3.attention.key_length", GgufValue.UInt32(128))
            .Add("gemma3.attention.value_length", GgufValue.UInt32(64))
            .Add("gemma3.vocab_size", GgufValue.UInt32(1000))
            .WriteFileAsync(path);

        var estimate = FitEstimator.EstimateFile(path, ctxPerSlot: 512, slots: 2);

        Assert.Equal(4 * 1024 * (128 + 64) * 2, estimate.KvBytes);
        Assert.Equal(0, estimate.WeightsBytes);
    }

    [Fact]
    public void Missing_metadata_is_named_key_by_key()
    {
        var info = new GgufModelInfo { Architecture = "llama", Name = "half-converted", EmbeddingLength = 4096, HeadCount = 0, VocabSize = 32_000 };

        var error = Assert.Throws<FitEstimateException>(() => FitEstimator.Estimate(info, 4096, 1));

        Assert.Equal(["llama.block_count", "llama.attention.head_count (it is 0)"], error.MissingKeys);
        Assert.Equal(
            "cannot estimate the GPU memory of half-converted (llama): the GGUF header lacks llama.block_count and llama.attention.head_count (it is 0)",
            error.Message);
    }

    [Fact]
    public async Task A_file_without_an_architecture_is_refused_naming_the_file()
    {
        using var directory = new TempDirectory();
        var path = directory.Combine("bare.gguf");
        await new GgufWriter().Add(GgufKeys.Name, GgufValue.String("bare")).WriteFileAsync(path);

        var error = Assert.Throws<FitEstimateException>(() => FitEstimator.EstimateFile(path, 4096, 1));

        Assert.StartsWith(path + ": ", error.Message);
        Assert.Equal(
            ["general.architecture", "{arch}.block_count", "{arch}.embedding_length", "{arch}.attention.head_count", "tokenizer.ggml.tokens or {arch}.vocab_size"],
            error.MissingKeys);
    }

    [Fact]
    public void Sizes_too_large_to_be_real_are_refused_not_wrapped()
    {
        var info = new GgufModelInfo { Architecture = "llama", BlockCount = 1L << 40, EmbeddingLength = 1L << 20, HeadCount = 1, VocabSize = 10 };

        var error = Assert.Throws<FitEstimateException>(() => FitEstimator.Estimate(info, 4096, 1));

        Assert.Contains("overflow 64 bits", error.Message);
        Assert.Contains("llama.block_count", error.MissingKeys);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(4096, 0)]
    [InlineData(-1, 4)]
    public void Context_and_slots_must_be_positive(int ctxPerSlot, int slots)
    {
        var info = RandomLlamaModelInfo(LlamaModelShape.Stories260K);

        Assert.Throws<ArgumentOutOfRangeException>(() => FitEstimator.Estimate(info, ctxPerSlot, slots));
    }

    [Theory]
    [InlineData("sim:x", 0)]
    [InlineData("sim:x?tps=20", 0)]
    [InlineData("sim:x?tps=20&vram_mib=1024", 1024 * 1024 * 1024)]
    public void A_sim_model_takes_what_it_declares_as_weights(string simRef, long bytes)
    {
        var estimate = FitEstimator.EstimateSim(simRef);

        Assert.Equal(new FitEstimate(bytes, 0, 0, 0), estimate);
        Assert.Equal(bytes, estimate.Total);
    }

    [Fact]
    public void A_sim_model_describes_itself_by_its_weights_alone()
    {
        Assert.Equal("6.0 GiB (weights 6.0 GiB)", FitEstimator.EstimateSim("sim:big?vram_mib=6144").Describe());
    }

    // The header as a writer would write it, then the data section left as a hole: a 13 GB model that takes under a
    // megabyte of disk, which the estimate must size without reading past the header.
    private static long WriteSparse(string path, GgufWriter writer)
    {
        var header = writer.BuildHeader();
        using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
        file.Write(header);
        file.SetLength(header.Length + writer.DataLength);
        return file.Length;
    }

    private static GgufModelInfo RandomLlamaModelInfo(LlamaModelShape shape)
    {
        var writer = RandomLlamaModelWriter.Create(shape, GgmlType.F16);
        return GgufModelInfo.From(writer.Metadata, writer.Tensors);
    }
}

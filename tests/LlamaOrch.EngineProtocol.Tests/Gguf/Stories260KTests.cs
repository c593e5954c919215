using LlamaOrch.Testing;
using LlamaOrch.EngineProtocol.Gguf;

namespace LlamaOrch.EngineProtocol.Tests.Gguf;

/// <summary>The reader against a real model: stories260K, a llama with a SentencePiece vocabulary.</summary>
public sealed class Stories260KTests
{
    private const long FileSize = 1_185_376;

    [Fact]
    public void Reads_the_model_facts()
    {
        var file = GgufReader.Read(RepoPaths.Stories260K);
        var model = file.Model;

        Assert.Equal(3u, file.Version);
        Assert.Equal(FileSize, file.FileLength);
        Assert.Equal(32u, file.Alignment);
        Assert.Equal(19, file.Metadata.Count);
        Assert.Equal("llama", model.Architecture);
        Assert.Equal("llama", model.Name);
        Assert.Equal(2048, model.ContextLength);
        Assert.Equal(5, model.BlockCount);
        Assert.Equal(8, model.HeadCount);
        Assert.Equal(4, model.HeadCountKv);
        Assert.Equal(64, model.EmbeddingLength);
        Assert.Equal(172, model.FeedForwardLength);
        Assert.Equal(512, model.VocabSize);
        Assert.Equal("llama", model.TokenizerModel);
        // stories260K was converted before general.file_type was written; its tensors are all F32.
        Assert.Null(model.FileType);
        Assert.Null(model.FileTypeName);
        Assert.All(file.Tensors, t => Assert.Equal(GgmlType.F32, t.Type));
        Assert.Equal(48, model.TensorCount);
        Assert.Equal(292_800, model.ParameterCount);
        Assert.Equal(292_800 * 4, model.TensorBytes);
    }

    [Fact]
    public void Tensor_bytes_account_for_the_whole_file()
    {
        var file = GgufReader.Read(RepoPaths.Stories260K);

        // Header and tensor infos, padded to 32, then the tensors back to back: nothing missing, nothing extra.
        Assert.Equal(14_176, file.DataOffset);
        Assert.Equal(file.Model.TensorBytes, file.TensorDataLength);
        Assert.Equal(FileSize, file.DataOffset + file.TensorDataLength);
        Assert.True(file.HasCompleteTensorData);
    }

    [Fact]
    public void Reads_tensor_infos_in_ggml_dimension_order()
    {
        var file = GgufReader.Read(RepoPaths.Stories260K);

        AssertTensor(file, "token_embd.weight", [64, 512], offset: 0);
        AssertTensor(file, "output_norm.weight", [64], offset: 131_072);
        AssertTensor(file, "output.weight", [64, 512], offset: 131_328);
        AssertTensor(file, "blk.0.attn_q.weight", [64, 64], offset: 262_400);
        AssertTensor(file, "blk.0.attn_k.weight", [64, 32], offset: 278_784);
        AssertTensor(file, "blk.0.ffn_down.weight", [172, 64], offset: 355_840);
        AssertTensor(file, "blk.4.ffn_norm.weight", [64], offset: 1_170_944);
        Assert.Equal(64 * 172 * 4, file.FindTensor("blk.2.ffn_gate.weight")!.ByteSize);
    }

    [Fact]
    public void Reads_the_sentencepiece_vocabulary()
    {
        var file = GgufReader.Read(RepoPaths.Stories260K);

        var tokens = file.GetValue("tokenizer.ggml.tokens")!.GetArray<string>();
        var types = file.GetValue("tokenizer.ggml.token_type")!.GetArray<int>();
        var scores = file.GetValue("tokenizer.ggml.scores")!.GetArray<float>();
        Assert.Equal(["<unk>", "<s>", "</s>", "<0x00>"], tokens.Take(4));
        Assert.Equal("<0xFF>", tokens[258]);
        Assert.Equal("\u2581t", tokens[259]);
        Assert.Equal([2, 3, 3, 6], types.Take(4));
        Assert.Equal(1, types[259]);
        Assert.Equal(-1f, scores[260]);
        Assert.Equal(1, file.GetValue("tokenizer.ggml.bos_token_id")!.AsInt64());
        Assert.Equal(2, file.GetValue("tokenizer.ggml.eos_token_id")!.AsInt64());
        Assert.Equal(0, file.GetValue("tokenizer.ggml.unknown_token_id")!.AsInt64());
        Assert.Equal(1e-5f, file.GetValue("llama.attention.layer_norm_rms_epsilon")!.Get<float>(), 1e-9f);
        Assert.Equal(8, file.GetValue("llama.rope.dimension_count")!.AsInt64());
    }

    private static void AssertTensor(GgufFile file, string name, long[] dimensions, long offset)
    {
        var tensor = file.FindTensor(name);
        Assert.NotNull(tensor);
        Assert.Equal(dimensions, tensor.Dimensions);
        Assert.Equal(GgmlType.F32, tensor.Type);
        Assert.Equal(offset, tensor.Offset);
    }
}

using LlamaOrch.Testing;
using System.Security.Cryptography;
using LlamaOrch.EngineProtocol.Gguf;

namespace LlamaOrch.EngineProtocol.Tests.Gguf;

public sealed class RandomLlamaModelWriterTests
{
    private static readonly LlamaModelShape Small = new(VocabSize: 400, EmbeddingLength: 48, BlockCount: 3, HeadCount: 6, HeadCountKv: 2, FeedForwardLength: 96, ContextLength: 512);

    [Fact]
    public async Task The_same_shape_and_seed_give_the_same_bytes()
    {
        using var directory = new TempDirectory();

        var first = await WriteAndHash(directory, "a.gguf", Small, GgmlType.F32, seed: 11);
        var again = await WriteAndHash(directory, "b.gguf", Small, GgmlType.F32, seed: 11);
        var otherSeed = await WriteAndHash(directory, "c.gguf", Small, GgmlType.F32, seed: 12);
        var f16 = await WriteAndHash(directory, "d.gguf", Small, GgmlType.F16, seed: 11);

        Assert.Equal(first, again);
        Assert.NotEqual(first, otherSeed);
        Assert.NotEqual(first, f16);
    }

    [Fact]
    public async Task A_reranker_is_a_qwen3_model_with_rank_pooling_a_yes_no_head_and_a_rerank_template()
    {
        using var directory = new TempDirectory();
        var path = directory.Combine("reranker.gguf");
        await RandomLlamaModelWriter.WriteFileAsync(path, LlamaModelShape.Stories260K, GgmlType.F32, seed: 1, reranker: true);

        var file = GgufReader.Read(path);

        Assert.Equal("qwen3", file.Model.Architecture);
        Assert.Equal(4u, file.Metadata["qwen3.pooling_type"].Get<uint>());
        Assert.Equal(["yes", "no"], file.Metadata["qwen3.classifier.output_labels"].GetArray<string>());
        Assert.Equal(RandomLlamaModelWriter.RerankTemplate, file.Metadata["tokenizer.chat_template.rerank"].Get<string>());
        var head = Assert.Single(file.Tensors, t => t.Name == "cls.output.weight");
        Assert.Equal([64L, 2L], head.Dimensions.ToArray());
        Assert.Equal(5, file.Tensors.Count(t => t.Name.EndsWith("attn_q_norm.weight", StringComparison.Ordinal)));
        Assert.All(file.Tensors.Where(t => t.Name.EndsWith("attn_k_norm.weight", StringComparison.Ordinal)), t => Assert.Equal([8L], t.Dimensions.ToArray()));

        var withoutTemplate = directory.Combine("reranker-plain.gguf");
        await RandomLlamaModelWriter.WriteFileAsync(withoutTemplate, LlamaModelShape.Stories260K, GgmlType.F32, seed: 1, reranker: true, rerankTemplate: null);
        Assert.False(GgufReader.Read(withoutTemplate).Metadata.ContainsKey("tokenizer.chat_template.rerank"));
    }

    [Fact]
    public async Task Mirrors_the_layout_of_stories260K()
    {
        using var directory = new TempDirectory();
        var path = directory.Combine("stories-shaped.gguf");
        await RandomLlamaModelWriter.WriteFileAsync(path, LlamaModelShape.Stories260K, GgmlType.F32, seed: 1);

        var real = GgufReader.Read(RepoPaths.Stories260K);
        var random = GgufReader.Read(path);

        // Same tensors, same order, same dimensions, same types, same offsets: only the numbers differ.
        Assert.Equal(real.Tensors.AsEnumerable(), random.Tensors);
        Assert.Equal(real.TensorDataLength, random.TensorDataLength);
        Assert.Equal(
            real.Model with { Name = null, FileType = null, FileTypeName = null },
            random.Model with { Name = null, FileType = null, FileTypeName = null });
        foreach (var key in new[]
        {
            "general.architecture", "llama.context_length", "llama.embedding_length", "llama.block_count",
            "llama.feed_forward_length", "llama.attention.head_count", "llama.attention.head_count_kv",
            "llama.rope.dimension_count", "llama.attention.layer_norm_rms_epsilon", "tokenizer.ggml.model",
            "tokenizer.ggml.bos_token_id", "tokenizer.ggml.eos_token_id", "tokenizer.ggml.unknown_token_id",
        })
        {
            Assert.Equal(real.Metadata[key], random.Metadata[key]);
        }
        var realTokens = real.Metadata["tokenizer.ggml.tokens"].GetArray<string>();
        var randomTokens = random.Metadata["tokenizer.ggml.tokens"].GetArray<string>();
        Assert.Equal(realTokens.Take(RandomLlamaVocabulary.MinimumSize), randomTokens.Take(RandomLlamaVocabulary.MinimumSize));
        Assert.Equal(
            real.Metadata["tokenizer.ggml.token_type"].GetArray<int>().Take(RandomLlamaVocabulary.MinimumSize),
            random.Metadata["tokenizer.ggml.token_type"].GetArray<int>().Take(RandomLlamaVocabulary.MinimumSize));
        Assert.Equal(0u, random.Model.FileType);
        Assert.Equal("F32", random.Model.FileTypeName);
    }

    [Fact]
    public void The_vocabulary_is_sentencepiece_shaped_and_unique()
    {
        var vocabulary = RandomLlamaVocabulary.Build(5000);

        Assert.Equal(5000, vocabulary.Tokens.Count);
        Assert.Equal(5000, vocabulary.Tokens.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(["<unk>", "<s>", "</s>", "<0x00>", "<0x0A>"], new[] { 0, 1, 2, 3, 13 }.Select(i => vocabulary.Tokens[i]));
        Assert.Equal("<0xFF>", vocabulary.Tokens[258]);
        Assert.All(Enumerable.Range(3, 256), i => Assert.Equal(RandomLlamaVocabulary.ByteType, vocabulary.TokenTypes[i]));
        Assert.All(Enumerable.Range(259, 5000 - 259), i => Assert.Equal(RandomLlamaVocabulary.NormalType, vocabulary.TokenTypes[i]));
        // Every word piece is reachable by merging: its prefixes are pieces too.
        Assert.Contains("\u2581the", vocabulary.Tokens);
        foreach (var piece in vocabulary.Tokens.Skip(259).Where(p => p.Length > 2))
            Assert.Contains(piece[..^1], vocabulary.Tokens);
        Assert.True(vocabulary.Scores.Skip(259).Zip(vocabulary.Scores.Skip(260)).All(p => p.First > p.Second), "scores fall");
    }

    [Theory]
    [InlineData(258, 64, 8, 8, 256, "VocabSize 258 is too small")]
    [InlineData(512, 60, 8, 8, 256, "EmbeddingLength 60 is not a multiple of HeadCount 8")]
    [InlineData(512, 72, 8, 8, 256, "head dimension 9")]
    [InlineData(512, 64, 8, 3, 256, "HeadCount 8 is not a multiple of HeadCountKv 3")]
    [InlineData(512, 64, 8, 8, 0, "FeedForwardLength must be positive")]
    public void Refuses_shapes_llama_cpp_would_refuse(int vocab, int embd, int heads, int kvHeads, int ff, string message)
    {
        var shape = new LlamaModelShape(vocab, embd, 2, heads, kvHeads, ff, 128);

        var error = Assert.Throws<ArgumentException>(() => RandomLlamaModelWriter.Create(shape));

        Assert.Contains(message, error.Message);
    }

    private static async Task<string> WriteAndHash(TempDirectory directory, string name, LlamaModelShape shape, GgmlType type, ulong seed)
    {
        var path = directory.Combine(name);
        await RandomLlamaModelWriter.WriteFileAsync(path, shape, type, seed);
        return Convert.ToHexString(SHA256.HashData(await File.ReadAllBytesAsync(path)));
    }
}

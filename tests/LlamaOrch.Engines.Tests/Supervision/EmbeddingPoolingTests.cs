using LlamaOrch.Core.Pools;
using LlamaOrch.Core.Tasks;
using LlamaOrch.EngineProtocol.Gguf;
using LlamaOrch.Engines.Supervision;
using LlamaOrch.Testing;

namespace LlamaOrch.Engines.Tests.Supervision;

/// <summary>Issue 18 defect 2: an engine serving embeddings is started with the pooling its model needs.</summary>
public sealed class EmbeddingPoolingTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("llorch-pooling-").FullName;

    [Fact]
    public void A_model_that_names_no_pooling_is_pooled_by_mean()
    {
        // stories260K, a plain LLM: llama-server would take "none", a vector per token.
        Assert.Equal("mean", EmbeddingPooling.Of(RepoPaths.Stories260K));
    }

    [Theory]
    [InlineData(2u, "cls")]
    [InlineData(3u, "last")]
    [InlineData(1u, "mean")]
    [InlineData(0u, "mean")] // none: no vector per text
    [InlineData(4u, "mean")] // rank: a classifier's scores, not an embedding
    public async Task The_models_own_pooling_is_kept_where_it_gives_a_vector_per_text(uint poolingType, string expected)
    {
        var path = Path.Combine(_folder, $"pooling-{poolingType}.gguf");
        await new GgufWriter()
            .Add(GgufKeys.Architecture, GgufValue.String("bert"))
            .Add("bert.pooling_type", GgufValue.UInt32(poolingType))
            .WriteFileAsync(path);

        Assert.Equal(expected, EmbeddingPooling.Of(path));
    }

    [Fact]
    public void A_file_that_is_not_gguf_or_a_sim_ref_is_pooled_by_mean()
    {
        var path = Path.Combine(_folder, "not.gguf");
        File.WriteAllText(path, "not a model");

        Assert.Equal("mean", EmbeddingPooling.Of(path));
        Assert.Equal("mean", EmbeddingPooling.Of("sim:x"));
    }

    [Fact]
    public void The_launch_passes_pooling_with_embeddings_and_leaves_it_to_reranking()
    {
        var embedding = EngineLaunch.For(new PoolConfig { Id = "p", Model = "m", Workloads = [Workload.Embedding] }, RepoPaths.Stories260K, 1234, "cpu");
        var rerank = EngineLaunch.For(new PoolConfig { Id = "p", Model = "m", Workloads = [Workload.Embedding, Workload.Rerank] }, RepoPaths.Stories260K, 1234, "cpu");
        var completion = EngineLaunch.For(new PoolConfig { Id = "p", Model = "m" }, RepoPaths.Stories260K, 1234, "cpu");

        var args = embedding.ArgumentList.ToList();
        Assert.Equal("mean", args[args.IndexOf("--pooling") + 1]);
        Assert.Contains("--embedding", args);
        Assert.DoesNotContain("--pooling", rerank.ArgumentList);
        Assert.DoesNotContain("--pooling", completion.ArgumentList);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}

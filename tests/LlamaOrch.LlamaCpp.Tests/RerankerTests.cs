using LlamaOrch.EngineProtocol.Gguf;
using LlamaOrch.Testing;

namespace LlamaOrch.LlamaCpp.Tests;

/// <summary>Reranking through a rank-pooled context, on a generated Qwen3-style reranker (random weights).</summary>
public sealed class RerankerTests
{
    private const string Query = "a cat sat on a mat";

    [Fact]
    public async Task Reads_the_head_and_the_rerank_template_from_the_model()
    {
        using var model = LlamaModel.Load(await RerankerModel.PathAsync());

        Assert.Equal(2, model.ClassifierOutputs);
        Assert.Equal(RandomLlamaModelWriter.RerankTemplate, model.Template("rerank"));
        Assert.Null(model.Template("no-such-template"));
    }

    [Fact]
    public async Task A_score_is_a_yes_probability_that_depends_on_the_pair_alone()
    {
        using var model = LlamaModel.Load(await RerankerModel.PathAsync());
        using var reranker = new Reranker(model, maxTokens: 256, threads: 1);

        var (cat, tokens) = reranker.Score(Query, "the cat sat on the mat");
        var (market, _) = reranker.Score(Query, "stock markets fell sharply");
        var (catAgain, _) = reranker.Score(Query, "the cat sat on the mat");

        Assert.InRange(cat, 0f, 1f); // the softmax over the yes/no head
        Assert.Equal(cat, catAgain); // scoring another document in between changes nothing
        Assert.NotEqual(cat, market);
        var filled = RandomLlamaModelWriter.RerankTemplate.Replace("{query}", Query).Replace("{document}", "the cat sat on the mat");
        Assert.Equal(model.Tokenize(filled, addSpecial: false, parseSpecial: true).Length, tokens);
    }

    [Fact]
    public async Task A_query_holding_a_placeholder_is_taken_literally()
    {
        using var model = LlamaModel.Load(await RerankerModel.PathAsync());
        using var reranker = new Reranker(model, maxTokens: 256, threads: 1);

        var (_, tokens) = reranker.Score("find {document}", "x");

        var literal = RandomLlamaModelWriter.RerankTemplate.Replace("{query}", "find {document}").Replace("Document: {document}", "Document: x");
        Assert.Equal(model.Tokenize(literal, addSpecial: false, parseSpecial: true).Length, tokens);
    }

    [Fact]
    public async Task Without_a_template_the_pair_is_BOS_query_document()
    {
        var path = Path.Combine(Path.GetTempPath(), $"reranker-no-template-{Guid.NewGuid():N}.gguf");
        await RandomLlamaModelWriter.WriteFileAsync(path, LlamaModelShape.Stories260K, GgmlType.F32, seed: 3, reranker: true, rerankTemplate: null);
        try
        {
            using var model = LlamaModel.Load(path);
            using var reranker = new Reranker(model, maxTokens: 256, threads: 1);

            var (score, tokens) = reranker.Score(Query, "the cat sat");

            Assert.Null(model.Template("rerank"));
            Assert.InRange(score, 0f, 1f);
            // The generated vocabulary adds BOS and no EOS, as stories260K's does.
            Assert.Equal(1 + model.Tokenize(Query, addSpecial: false).Length + model.Tokenize("the cat sat", addSpecial: false).Length, tokens);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task A_pair_longer_than_the_context_is_refused_before_decoding()
    {
        using var model = LlamaModel.Load(await RerankerModel.PathAsync());
        using var reranker = new Reranker(model, maxTokens: 64, threads: 1);

        var error = Assert.Throws<ArgumentException>(() => reranker.Score(Query, string.Join(' ', Enumerable.Repeat("word", 100))));
        Assert.Contains("more than the context of 64", error.Message);
        Assert.InRange(reranker.Score(Query, "short").Score, 0f, 1f); // and the reranker still works
    }
}

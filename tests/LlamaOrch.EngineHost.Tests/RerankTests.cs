using System.Net;
using System.Text.Json;
using LlamaOrch.EngineHost.Tests.Harness;
using LlamaOrch.Testing;

namespace LlamaOrch.EngineHost.Tests;

/// <summary><c>POST /rerank</c> on llorch-engine started with <c>--reranking</c>, serving a generated Qwen3-style reranker.</summary>
public sealed class RerankTests
{
    private const string Documents = """["the cat sat on the mat","stock markets fell","a dog ran","the cat sat on the mat"]""";

    [Fact]
    public async Task Scores_every_document_best_first_in_llama_servers_shape()
    {
        await using var engine = await EngineProcess.StartAsync(await RerankerModel.PathAsync(), ["--reranking", "-c", "512"]);

        var (status, body) = await engine.Http.PostJsonAsync("/rerank", $$"""{"query":"a cat sat","documents":{{Documents}}}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("list", body.GetProperty("object").GetString());
        var results = body.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal([0, 1, 2, 3], results.Select(r => r.GetProperty("index").GetInt32()).Order());
        var scores = results.Select(r => r.GetProperty("relevance_score").GetSingle()).ToList();
        Assert.Equal(scores.OrderDescending(), scores);
        Assert.All(scores, s => Assert.InRange(s, 0f, 1f));
        float ScoreOf(int index) => results.Single(r => r.GetProperty("index").GetInt32() == index).GetProperty("relevance_score").GetSingle();
        Assert.Equal(ScoreOf(0), ScoreOf(3)); // the same document scores the same wherever it stands
        Assert.NotEqual(ScoreOf(0), ScoreOf(1));
        var tokens = results.Sum(r => r.GetProperty("tokens_evaluated").GetInt32());
        Assert.Equal(tokens, body.GetProperty("usage").GetProperty("total_tokens").GetInt32());

        // The TEI shape (texts) answers a bare array; top_n keeps the best.
        var (teiStatus, tei) = await engine.Http.PostJsonAsync("/v1/rerank", $$"""{"query":"a cat sat","texts":{{Documents}},"top_n":2}""");
        Assert.Equal(HttpStatusCode.OK, teiStatus);
        Assert.Equal(scores.Take(2), tei.EnumerateArray().Select(r => r.GetProperty("score").GetSingle()));

        // Generation still works beside the reranking context.
        Assert.Equal(4, (await engine.Http.CompleteAsync("""{"prompt":"Once","n_predict":4}""")).GetProperty("tokens_predicted").GetInt32());
    }

    [Theory]
    [InlineData("""{"documents":["a"]}""", "\"query\" must be provided")]
    [InlineData("""{"query":"q","documents":[]}""", "non-empty")]
    [InlineData("""{"query":"q","documents":["a",null]}""", "documents[1]")]
    [InlineData("""{"query":"q","documents":["a"],"top_n":0}""", "top_n")]
    [InlineData("""{"query":"q","documents":["a"],"texts":["b"]}""", "not both")]
    [InlineData("""{"query":"q","documents":"a"}""", "invalid JSON body")]
    public async Task Bad_requests_get_400_with_the_reason(string body, string reason)
    {
        await using var engine = await EngineProcess.StartAsync(await RerankerModel.PathAsync(), ["--reranking", "-c", "256"]);

        var (status, reply) = await engine.Http.PostJsonAsync("/rerank", body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(reason, reply.GetProperty("error").GetProperty("message").GetString());
    }

    [Fact]
    public async Task A_pair_longer_than_the_context_is_a_400_and_the_engine_goes_on()
    {
        await using var engine = await EngineProcess.StartAsync(await RerankerModel.PathAsync(), ["--reranking", "-c", "64"]);
        var longDocument = JsonSerializer.Serialize(string.Join(' ', Enumerable.Repeat("word", 200)));

        var (status, reply) = await engine.Http.PostJsonAsync("/rerank", $$"""{"query":"q","documents":[{{longDocument}}]}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("more than the context of 64", reply.GetProperty("error").GetProperty("message").GetString());
        var (ok, _) = await engine.Http.PostJsonAsync("/rerank", """{"query":"q","documents":["short"]}""");
        Assert.Equal(HttpStatusCode.OK, ok);
    }

    [Fact]
    public async Task Without_reranking_the_route_answers_501()
    {
        await using var engine = await EngineProcess.StartAsync(await RerankerModel.PathAsync(), ["-c", "256"]);

        var (status, reply) = await engine.Http.PostJsonAsync("/rerank", """{"query":"q","documents":["a"]}""");

        Assert.Equal(HttpStatusCode.NotImplemented, status);
        Assert.Contains("--reranking", reply.GetProperty("error").GetProperty("message").GetString());
    }

    [Fact]
    public async Task A_model_without_a_classification_head_is_refused_at_start()
    {
        var run = await EngineProcess.RunToExitAsync(["-m", RepoPaths.Stories260K, "--reranking", "--port", "0"]);

        Assert.Equal(3, run.ExitCode);
        Assert.Contains("has no classification head", run.Stderr);
    }

    [Fact]
    public async Task A_sim_model_is_refused_at_start_with_reranking()
    {
        var run = await EngineProcess.RunToExitAsync(["-m", "sim:s", "--reranking", "--port", "0"]);

        Assert.Equal(3, run.ExitCode);
        Assert.Contains("--reranking need a GGUF model", run.Stderr);
    }
}

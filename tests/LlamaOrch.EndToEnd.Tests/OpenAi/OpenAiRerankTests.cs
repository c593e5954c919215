using System.Net;
using System.Text.Json.Nodes;
using LlamaOrch.Testing;

namespace LlamaOrch.EndToEnd.Tests.OpenAi;

/// <summary><c>POST /v1/rerank</c> in llama-server's and Jina's shape, on a generated Qwen3-style reranker.</summary>
public sealed class OpenAiRerankTests
{
    [Fact]
    public async Task Rerank_answers_the_scores_of_the_rerank_task_most_relevant_first_within_top_n()
    {
        var model = "file:" + await RerankerModel.PathAsync();
        await using var orchestrator = await Orchestrator.StartAsync([.. Orchestrator.Pool(model, slots: 2, ctx: 256), "Pools:0:Workloads:0=rerank"]);
        const string body = """{"model":"p","query":"a cat sat","documents":["the cat sat on the mat","stock markets fell","a dog ran"],"return_documents":true}""";

        using var all = await orchestrator.PostRawAsync("/v1/rerank", body);
        Assert.Equal(HttpStatusCode.OK, all.StatusCode);
        var results = JsonNode.Parse(await all.Content.ReadAsStringAsync())!["results"]!.AsArray();

        // The same scores the task API gives for the same task.
        var taskId = all.Headers.GetValues("X-Task-Id").Single();
        var scores = (await orchestrator.StreamAsync(taskId)).Where(f => f.Event == "score")
            .ToDictionary(f => f.Int("i"), f => (double)f.Data.GetProperty("score").GetSingle());
        Assert.Equal(scores.OrderByDescending(s => s.Value).Select(s => s.Key), results.Select(r => r!["index"]!.GetValue<int>()));
        Assert.All(results, r => Assert.Equal(scores[r!["index"]!.GetValue<int>()], r["relevance_score"]!.GetValue<double>()));
        Assert.Equal("the cat sat on the mat", results.Single(r => r!["index"]!.GetValue<int>() == 0)!["document"]!["text"]!.GetValue<string>());

        using var top = await orchestrator.PostRawAsync("/v1/rerank", body.Replace("\"return_documents\":true", "\"top_n\":1"));
        var best = Assert.Single(JsonNode.Parse(await top.Content.ReadAsStringAsync())!["results"]!.AsArray());
        Assert.Equal(results[0]!["index"]!.GetValue<int>(), best!["index"]!.GetValue<int>());
        Assert.Null(best["document"]);

        using var noQuery = await orchestrator.PostRawAsync("/v1/rerank", """{"model":"p","documents":["x"]}""");
        Assert.Equal(HttpStatusCode.BadRequest, noQuery.StatusCode);
        Assert.Equal("query", JsonNode.Parse(await noQuery.Content.ReadAsStringAsync())!["error"]!["param"]!.GetValue<string>());
    }
}

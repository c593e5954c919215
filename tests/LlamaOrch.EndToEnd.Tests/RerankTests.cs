using System.Net;
using System.Text.Json.Nodes;
using LlamaOrch.Testing;

namespace LlamaOrch.EndToEnd.Tests;

/// <summary>Rerank tasks through orchestratord, on a pool of llorch-engine replicas serving a generated Qwen3-style reranker.</summary>
public sealed class RerankTests
{
    [Fact]
    public async Task A_rerank_task_streams_one_score_per_input_and_a_document_scores_the_same_in_any_company()
    {
        var model = "file:" + await RerankerModel.PathAsync();
        await using var orchestrator = await Orchestrator.StartAsync(
            [.. Orchestrator.Pool(model, slots: 2, ctx: 256), "Pools:0:Workloads:0=rerank"]);

        var frames = await RunAsync(orchestrator, model, "a cat sat", "the cat sat on the mat", "stock markets fell", "a dog ran");
        var alone = await RunAsync(orchestrator, model, "a cat sat", "a dog ran");

        var scores = frames.Where(f => f.Event == "score").ToList();
        Assert.Equal([0, 1, 2], scores.Select(s => s.Int("i")));
        var values = scores.Select(s => s.Data.GetProperty("score").GetSingle()).ToList();
        Assert.All(values, v => Assert.InRange(v, 0f, 1f));
        Assert.Equal(3, values.Distinct().Count());
        // rank 1 is the highest score
        Assert.Equal(values.Select(v => values.Count(other => other > v) + 1), scores.Select(s => s.Int("rank")));
        Assert.All(scores, s => Assert.True(s.Int("tokens") > 3));
        Assert.Equal("end", frames[^1].Event);
        Assert.Equal("scored", frames[^1].Str("stop_reason"));
        Assert.Equal(scores.Sum(s => s.Int("tokens")), frames[^1].Int("tokens_in"));
        // Scored alone, in another task, the third document gets exactly its score from the first task.
        Assert.Equal(values[2], alone.Single(f => f.Event == "score").Data.GetProperty("score").GetSingle());

        var capabilities = JsonNode.Parse(await orchestrator.Http.GetStringAsync("/v1/capabilities"))!;
        Assert.Equal(["rerank"], capabilities["engines"]![0]!["supported_workloads"]!.AsArray().Select(w => w!.GetValue<string>()));
    }

    [Fact]
    public async Task A_pair_longer_than_the_context_fails_the_task_with_INVALID_PARAMS()
    {
        var model = "file:" + await RerankerModel.PathAsync();
        await using var orchestrator = await Orchestrator.StartAsync(
            [.. Orchestrator.Pool(model, ctx: 256), "Pools:0:Workloads:0=rerank"]);

        var frames = await RunAsync(orchestrator, model, "q", string.Join(' ', Enumerable.Repeat("word", 600)));

        Assert.Equal("error", frames[^1].Event);
        Assert.Equal("INVALID_PARAMS", frames[^1].Str("code"));
        Assert.Contains("more than the context of 256", frames[^1].Str("message"));
        Assert.DoesNotContain(frames, f => f.Event == "score");
    }

    [Fact]
    public async Task Rerank_needs_a_pool_that_serves_it_and_a_prompt_to_score_against()
    {
        var model = "file:" + RepoPaths.Stories260K;
        await using var orchestrator = await Orchestrator.StartAsync(Orchestrator.Pool(model, ctx: 256));

        using var notServed = await orchestrator.SubmitAsync(RerankTask(model, "q", "a"));
        Assert.Equal(HttpStatusCode.BadRequest, notServed.StatusCode);
        var error = await Orchestrator.ErrorOf(notServed);
        Assert.Equal("INVALID_PARAMS", error["code"]!.GetValue<string>());
        Assert.Contains("supported: completion", error["message"]!.GetValue<string>());

        using var noQuery = await orchestrator.SubmitAsync(RerankTask(model, null, "a"));
        Assert.Equal(HttpStatusCode.BadRequest, noQuery.StatusCode);
        Assert.StartsWith("prompt:", (await Orchestrator.ErrorOf(noQuery))["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_rerank_pool_on_a_model_without_a_classification_head_is_unready_with_the_reason()
    {
        var model = "file:" + RepoPaths.Stories260K;
        await using var orchestrator = await Orchestrator.StartAsync(false, [.. Orchestrator.Pool(model), "Pools:0:Workloads:0=rerank"]);

        await orchestrator.WaitUntilAsync(h => h["pools"]![0]!["last_error"]?.GetValue<string>()?.Contains("no classification head") == true);
        using var refused = await orchestrator.SubmitAsync(RerankTask(model, "q", "a"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
    }

    private static JsonObject RerankTask(string model, string? query, params string[] documents)
    {
        var body = Orchestrator.Task(model, query);
        body["workload"] = "rerank";
        body["inputs"] = new JsonArray([.. documents.Select(d => JsonValue.Create(d))]);
        return body;
    }

    private static async Task<List<SseFrame>> RunAsync(Orchestrator orchestrator, string model, string query, params string[] documents) =>
        await orchestrator.StreamAsync((await orchestrator.AdmitAsync(RerankTask(model, query, documents)))["task_id"]!.GetValue<string>());
}

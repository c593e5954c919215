using LlamaOrch.Testing;

namespace LlamaOrch.EndToEnd.Tests;

/// <summary>orchestratord with a pool of llorch-engine replicas serving stories260K through llama.cpp.</summary>
public sealed class RealInferenceTests
{
    private const string DefaultModel = "hf:ggml-org/models/tinyllamas/stories260K.gguf";

    private static string SharedModels => RepoPaths.SharedModels;

    private static string Stories260K => RepoPaths.Stories260K;

    [Fact]
    public async Task With_no_pool_configured_the_default_pool_serves_stories260K_found_in_the_search_paths()
    {
        await using var orchestrator = await Orchestrator.StartAsync($"Models:SearchPaths:0={SharedModels}");
        var health = await orchestrator.HealthAsync();
        Assert.Equal("default", health["pools"]![0]!["id"]!.GetValue<string>());
        Assert.Equal(DefaultModel, health["pools"]![0]!["model"]!.GetValue<string>());

        var id = (await orchestrator.AdmitAsync(Orchestrator.Task(DefaultModel, "Once upon a time", maxTokens: 32)))["task_id"]!.GetValue<string>();
        var frames = await orchestrator.StreamAsync(id);

        Assert.Equal("end", frames[^1].Event);
        Assert.Matches("[a-z]{3,}", string.Concat(frames.Where(f => f.Event == "token").Select(f => f.Str("t"))));
    }

    [Fact]
    public async Task Offline_without_the_file_the_pool_is_unready_and_says_where_to_put_it()
    {
        var emptySearch = Directory.CreateTempSubdirectory("llorch-empty-").FullName;
        try
        {
            await using var orchestrator = await Orchestrator.StartAsync(false, "Models:Offline=true", $"Models:SearchPaths:0={emptySearch}");
            await orchestrator.WaitUntilAsync(h => h["pools"]![0]!["last_error"] is not null);

            var error = (await orchestrator.HealthAsync())["pools"]![0]!["last_error"]!.GetValue<string>();
            Assert.Contains("stories260K.gguf", error);
            Assert.Contains(emptySearch, error);
        }
        finally
        {
            Directory.Delete(emptySearch, recursive: true);
        }
    }

    [Fact]
    public async Task Streams_a_real_story_and_a_strict_task_reproduces_it_under_concurrent_load()
    {
        var model = "file:" + Stories260K;
        await using var orchestrator = await Orchestrator.StartAsync(Orchestrator.Pool(model, slots: 4, ctx: 256));

        // Equality is promised for strict tasks only (docs/determinism.md); the noise runs best-effort.
        async Task<string> StoryAsync(long seed, string prompt = "Once upon a time", bool strict = true)
        {
            var body = Orchestrator.Task(model, prompt, maxTokens: 40, seed: seed);
            if (strict) body["determinism"] = "strict";
            var id = (await orchestrator.AdmitAsync(body))["task_id"]!.GetValue<string>();
            var frames = await orchestrator.StreamAsync(id);
            Assert.Equal("end", frames[^1].Event);
            Assert.Equal(40, frames[^1].Int("tokens_out"));
            return string.Concat(frames.Where(f => f.Event == "token").Select(f => f.Str("t")));
        }

        var story = await StoryAsync(11);
        Assert.Matches("[a-z]{3,}", story);

        var concurrent = await Task.WhenAll(StoryAsync(11), StoryAsync(12, "Lily", strict: false), StoryAsync(13, "The dog", strict: false), StoryAsync(11));
        Assert.Equal(story, concurrent[0]);
        Assert.Equal(story, concurrent[3]);
        Assert.NotEqual(story, await StoryAsync(14));
    }

    [Fact]
    public async Task Twenty_strict_tasks_amid_concurrent_load_give_twenty_identical_streams()
    {
        var model = "file:" + Stories260K;
        await using var orchestrator = await Orchestrator.StartAsync(Orchestrator.Pool(model, slots: 4, replicas: 2, capacity: 64, ctx: 256));

        async Task<string> RunAsync(string prompt, long seed, bool strict)
        {
            var body = Orchestrator.Task(model, prompt, maxTokens: 48, seed: seed);
            if (strict) body["determinism"] = "strict";
            var id = (await orchestrator.AdmitAsync(body))["task_id"]!.GetValue<string>();
            var frames = await orchestrator.StreamAsync(id);
            Assert.Equal("end", frames[^1].Event);
            return string.Concat(frames.Where(f => f.Event == "token").Select(f => f.Str("t")));
        }

        var strict = Enumerable.Range(0, 20).Select(_ => RunAsync("Once upon a time", 2024, strict: true));
        var noise = Enumerable.Range(0, 12).Select(i => RunAsync(i % 2 == 0 ? "Lily had a" : "The big", 100 + i, strict: false));
        var results = await Task.WhenAll(strict.Concat(noise));

        Assert.Single(results.Take(20).Distinct());
        Assert.Matches("[a-z]{3,}", results[0]);
        Assert.NotEqual(results[0], await RunAsync("Once upon a time", 2025, strict: true));
    }

    [Fact]
    public async Task The_greedy_profile_ignores_the_seed()
    {
        var model = "file:" + Stories260K;
        await using var orchestrator = await Orchestrator.StartAsync(Orchestrator.Pool(model, slots: 2, ctx: 64));

        async Task<List<SseFrame>> RunAsync(string prompt, long seed)
        {
            var body = Orchestrator.Task(model, prompt, maxTokens: 16, seed: seed, ctx: 64);
            body["sampler_profile_version"] = "greedy-v1";
            return await orchestrator.StreamAsync((await orchestrator.AdmitAsync(body))["task_id"]!.GetValue<string>());
        }

        static string Text(List<SseFrame> frames) => string.Concat(frames.Where(f => f.Event == "token").Select(f => f.Str("t")));
        Assert.Equal(Text(await RunAsync("Once upon a time", 1)), Text(await RunAsync("Once upon a time", 999)));

    }

    [Fact]
    public async Task An_embedding_pool_returns_one_vector_per_input_and_still_completes()
    {
        var model = "file:" + Stories260K;
        await using var orchestrator = await Orchestrator.StartAsync(
            [.. Orchestrator.Pool(model, slots: 2, ctx: 256), "Pools:0:Workloads:0=completion", "Pools:0:Workloads:1=embedding"]);
        var body = Orchestrator.Task(model, prompt: null);
        body["workload"] = "embedding";
        body["inputs"] = new System.Text.Json.Nodes.JsonArray("Once upon a time", "The cat sat", "Once upon a time");

        var frames = await orchestrator.StreamAsync((await orchestrator.AdmitAsync(body))["task_id"]!.GetValue<string>());

        var pool = (await orchestrator.HealthAsync())["pools"]![0]!;
        Assert.Equal(["completion", "embedding"], pool["workloads"]!.AsArray().Select(w => w!.GetValue<string>()));
        Assert.Contains("llama.cpp/v0.5.0", pool["engine_version"]!.GetValue<string>());

        var vectors = frames.Where(f => f.Event == "embedding").ToList();
        Assert.Equal([0, 1, 2], vectors.Select(v => v.Int("i")));
        var values = vectors.Select(v => v.Data.GetProperty("embedding").EnumerateArray().Select(x => x.GetSingle()).ToArray()).ToList();
        Assert.All(values, v => Assert.Equal(64, v.Length));
        Assert.Equal(values[0], values[2]);
        Assert.NotEqual(values[0], values[1]);
        Assert.Equal("end", frames[^1].Event);
        Assert.Equal("embedded", frames[^1].Str("stop_reason"));
        Assert.True(frames[^1].Int("tokens_in") > 3);

        var completion = (await orchestrator.AdmitAsync(Orchestrator.Task(model, maxTokens: 4)))["task_id"]!.GetValue<string>();
        Assert.Equal("end", (await orchestrator.StreamAsync(completion))[^1].Event);
    }

    [Fact]
    public async Task A_model_that_fails_to_load_leaves_the_pool_unready_with_the_loader_message()
    {
        var bogus = Path.Combine(Path.GetTempPath(), $"broken-{Guid.NewGuid():N}.gguf");
        await File.WriteAllTextAsync(bogus, "GGUF but not really");
        try
        {
            await using var orchestrator = await Orchestrator.StartAsync(false, Orchestrator.Pool("file:" + bogus));
            await orchestrator.WaitUntilAsync(h => h["pools"]![0]!["last_error"]?.GetValue<string>()?.Contains("cannot load model") == true);

            using var response = await orchestrator.SubmitAsync(Orchestrator.Task("file:" + bogus));
            Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Contains("cannot load model", (await Orchestrator.ErrorOf(response))["message"]!.GetValue<string>());
        }
        finally
        {
            File.Delete(bogus);
        }
    }
}

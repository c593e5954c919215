using LlamaOrch.Testing;
using System.Net;
using System.Text;
using System.Text.Json;
using LlamaOrch.EngineHost.Tests.Harness;

namespace LlamaOrch.EngineHost.Tests;

/// <summary>llorch-engine serving stories260K with llama.cpp: real inference over the llama.cpp protocol.</summary>
public sealed class RealModelTests
{
    [Fact]
    public async Task Streams_a_story_and_reports_a_real_engine_version()
    {
        await using var engine = await EngineProcess.StartAsync(RepoPaths.Stories260K, ["-np", "2", "-c", "1024"]);

        var props = await engine.Http.GetJsonAsync("/props");
        Assert.False(props.GetProperty("synthetic").GetBoolean());
        Assert.Contains("llama.cpp/v0.5.0", props.GetProperty("engine_version").GetString());
        Assert.Equal(512, props.GetProperty("default_generation_settings").GetProperty("n_ctx").GetInt32());

        await using var stream = await StreamedCompletion.StartAsync(engine.Http, """{"prompt":"Once upon a time","n_predict":24,"stream":true,"seed":1}""");
        var frames = await stream.ReadToEndAsync();
        var text = string.Concat(frames.Where(f => !f.GetProperty("stop").GetBoolean()).Select(f => f.GetProperty("content").GetString()));
        var final = frames[^1];
        Assert.True(final.GetProperty("stop").GetBoolean());
        Assert.Equal(24, final.GetProperty("tokens_predicted").GetInt32());
        Assert.True(final.GetProperty("tokens_evaluated").GetInt32() >= 4);
        Assert.Matches("[a-z]{3,}", text);
    }

    [Fact]
    public async Task Tokenize_adds_the_bos_unless_add_special_is_false()
    {
        await using var engine = await EngineProcess.StartAsync(RepoPaths.Stories260K, ["-c", "512"]);

        var (_, withBos) = await engine.Http.PostJsonAsync("/tokenize", """{"content":"Once upon a time"}""");
        var (_, asked) = await engine.Http.PostJsonAsync("/tokenize", """{"content":"Once upon a time","add_special":true}""");
        var (status, without) = await engine.Http.PostJsonAsync("/tokenize", """{"content":"Once upon a time","add_special":false}""");

        Assert.Equal(HttpStatusCode.OK, status);
        var bos = Tokens(withBos)[0];
        Assert.Equal(Tokens(withBos), Tokens(asked));
        Assert.Equal(Tokens(withBos)[1..], Tokens(without));
        Assert.DoesNotContain(bos, Tokens(without));
    }

    private static int[] Tokens(JsonElement reply) => [.. reply.GetProperty("tokens").EnumerateArray().Select(t => t.GetInt32())];

    [Fact]
    public async Task The_same_seed_gives_the_same_text_whatever_else_runs_and_another_seed_differs()
    {
        await using var engine = await EngineProcess.StartAsync(RepoPaths.Stories260K, ["-np", "4", "-c", "2048"]);
        const string Request = """{"prompt":"The little dog","n_predict":48,"stream":false,"seed":77}""";
        var alone = await TextAsync(engine, Request);

        // The same request amid three concurrent others with different prompts and seeds.
        var busy = await Task.WhenAll(
            TextAsync(engine, Request),
            TextAsync(engine, """{"prompt":"Once upon a time","n_predict":64,"stream":false,"seed":5}"""),
            TextAsync(engine, """{"prompt":"Lily","n_predict":64,"stream":false,"seed":6}"""),
            TextAsync(engine, """{"prompt":"","n_predict":64,"stream":false,"seed":7}"""));

        Assert.Equal(alone, busy[0]);
        Assert.NotEqual(alone, await TextAsync(engine, Request.Replace("77", "78")));
    }

    [Fact]
    public async Task A_text_that_ends_on_eos_reads_as_the_same_text_cut_by_the_token_limit_there()
    {
        // At a high temperature the model ends some texts inside a UTF-8 character; those bytes went out when the limit
        // ended the text but not when EOS did (llama-server sends them neither way; what matters is one rule).
        await using var engine = await EngineProcess.StartAsync(RepoPaths.Stories260K, ["-c", "512"]);
        var endedOnEos = 0;
        for (var seed = 0; seed < 40; seed++)
        {
            var request = $$"""{"prompt":"Once","temperature":30,"top_k":0,"top_p":1,"min_p":0,"seed":{{seed}},"llorch_strict":true""";
            var whole = await engine.Http.CompleteAsync(request + "}");
            if (whole.GetProperty("stop_type").GetString() != "eos") continue;
            endedOnEos++;
            var cut = await engine.Http.CompleteAsync(request + $$""","n_predict":{{whole.GetProperty("tokens_predicted").GetInt32()}}}""");
            Assert.Equal(cut.GetProperty("content").GetString(), whole.GetProperty("content").GetString());
        }
        Assert.True(endedOnEos > 0, "no text ended on EOS: nothing was compared");
    }

    [Fact]
    public async Task Greedy_sampling_ignores_the_seed()
    {
        await using var engine = await EngineProcess.StartAsync(RepoPaths.Stories260K);
        var a = await TextAsync(engine, """{"prompt":"Once","n_predict":20,"temperature":0,"seed":1}""");
        Assert.Equal(a, await TextAsync(engine, """{"prompt":"Once","n_predict":20,"temperature":0,"seed":2}"""));
    }

    [Fact]
    public async Task A_client_leaving_mid_stream_frees_the_slot_and_the_next_request_runs()
    {
        await using var engine = await EngineProcess.StartAsync(RepoPaths.Stories260K, ["-c", "4096"]);
        await using (var stream = await StreamedCompletion.StartAsync(engine.Http, """{"prompt":"Once upon a time","n_predict":-1,"stream":true}"""))
        {
            await stream.ReadFrameAsync();
        }

        await Poll.UntilAsync(async () => !await engine.Http.AnySlotProcessingAsync(), "the slot to be freed");
        var next = await engine.Http.CompleteAsync("""{"prompt":"Once upon a time there was a little","n_predict":8,"stream":false}""");
        Assert.Equal(8, next.GetProperty("tokens_predicted").GetInt32());
    }

    [Fact]
    public async Task A_prompt_that_extends_the_previous_one_in_a_slot_reuses_its_cached_prefix()
    {
        await using var engine = await EngineProcess.StartAsync(RepoPaths.Stories260K, ["-c", "512"]);
        var first = await engine.Http.CompleteAsync("""{"prompt":"Once upon a time there was a girl","n_predict":4,"id_slot":0}""");
        Assert.Equal(0, first.GetProperty("tokens_cached").GetInt32());

        var second = await engine.Http.CompleteAsync("""{"prompt":"Once upon a time there was a girl named Lily","n_predict":4,"id_slot":0}""");

        var prompt = second.GetProperty("tokens_evaluated").GetInt32();
        var cached = second.GetProperty("tokens_cached").GetInt32();
        // The whole first prompt is reused, and so is any of its generated text that the new prompt repeats.
        Assert.InRange(cached, first.GetProperty("tokens_evaluated").GetInt32(), prompt - 1);
        Assert.Equal(prompt - cached, second.GetProperty("timings").GetProperty("prompt_n").GetInt32());
        Assert.Equal(cached, second.GetProperty("timings").GetProperty("cache_n").GetInt32()); // as llama-server names it

        // Strict requests never reuse: their tokens must not depend on what the slot held.
        var strict = await engine.Http.CompleteAsync("""{"prompt":"Once upon a time there was a girl named Lily","n_predict":4,"id_slot":0,"llorch_strict":true}""");
        Assert.Equal(0, strict.GetProperty("tokens_cached").GetInt32());
    }

    [Fact]
    public async Task Metrics_report_the_kv_cells_the_slots_hold_until_a_prompt_replaces_them()
    {
        await using var engine = await EngineProcess.StartAsync(RepoPaths.Stories260K, ["-np", "2", "-c", "1024"]);
        Assert.Equal(0, await engine.Http.GetMetricAsync("llamacpp:kv_cache_tokens"));

        var done = await engine.Http.CompleteAsync("""{"prompt":"Once upon a time there was a girl","n_predict":8,"id_slot":0}""");
        // The slot keeps its prompt and what it generated (all but the last token, which was never fed back).
        var held = done.GetProperty("tokens_evaluated").GetInt32() + 8 - 1;
        Assert.Equal(held, await engine.Http.GetMetricAsync("llamacpp:kv_cache_tokens"));
        Assert.Equal(held / 1024.0, await engine.Http.GetMetricAsync("llamacpp:kv_cache_usage_ratio"), 1e-9);

        // A strict request starts from an empty KV, so the slot then holds its tokens alone.
        var strict = await engine.Http.CompleteAsync("""{"prompt":"Lily","n_predict":2,"id_slot":0,"llorch_strict":true}""");
        Assert.Equal(strict.GetProperty("tokens_evaluated").GetInt32() + 1, await engine.Http.GetMetricAsync("llamacpp:kv_cache_tokens"));
    }

    [Fact]
    public async Task Erasing_a_slot_drops_its_cache_and_cache_prompt_false_evaluates_the_whole_prompt()
    {
        await using var engine = await EngineProcess.StartAsync(RepoPaths.Stories260K, ["-np", "2", "-c", "1024"]);
        const string Story = """{"prompt":"Once upon a time there was a girl","n_predict":4,"id_slot":1}""";
        await engine.Http.CompleteAsync(Story);
        var held = await engine.Http.GetMetricAsync("llamacpp:kv_cache_tokens");

        using var erase = await engine.Http.PostAsync("/slots/1?action=erase", null);
        var erased = JsonDocument.Parse(await erase.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(HttpStatusCode.OK, erase.StatusCode);
        Assert.Equal((1, (int)held), (erased.GetProperty("id_slot").GetInt32(), erased.GetProperty("n_erased").GetInt32()));
        Assert.Equal(0, await engine.Http.GetMetricAsync("llamacpp:kv_cache_tokens"));
        Assert.Equal(0, (await engine.Http.CompleteAsync(Story)).GetProperty("tokens_cached").GetInt32());

        // The same prompt again would reuse all but its last token; cache_prompt false evaluates it all.
        var uncached = await engine.Http.CompleteAsync(Story.Replace("}", ""","cache_prompt":false}"""));
        Assert.Equal(0, uncached.GetProperty("tokens_cached").GetInt32());
        Assert.Equal(uncached.GetProperty("tokens_evaluated").GetInt32(), uncached.GetProperty("timings").GetProperty("prompt_n").GetInt32());
        Assert.True((await engine.Http.CompleteAsync(Story)).GetProperty("tokens_cached").GetInt32() > 0);

        foreach (var (path, status) in new[]
                 {
                     ("/slots/2?action=erase", HttpStatusCode.BadRequest), ("/slots/x?action=erase", HttpStatusCode.BadRequest),
                     ("/slots/0?action=wipe", HttpStatusCode.BadRequest), ("/slots/0?action=save", HttpStatusCode.NotImplemented),
                 })
        {
            using var refused = await engine.Http.PostAsync(path, null);
            Assert.Equal(status, refused.StatusCode);
        }
    }

    [Fact]
    public async Task Erasing_a_busy_slot_waits_for_its_completion_instead_of_cutting_it()
    {
        await using var engine = await EngineProcess.StartAsync(RepoPaths.Stories260K, ["-c", "4096"]);
        Task<HttpResponseMessage> erase;
        await using (var stream = await StreamedCompletion.StartAsync(engine.Http, """{"prompt":"Once upon a time","n_predict":-1,"stream":true,"id_slot":0}"""))
        {
            await stream.ReadFrameAsync();
            erase = engine.Http.PostAsync("/slots/0?action=erase", null);
            for (var i = 0; i < 16; i++) Assert.False((await stream.ReadFrameAsync())!.Value.GetProperty("stop").GetBoolean());
        }

        using var erased = await erase;
        Assert.Equal(HttpStatusCode.OK, erased.StatusCode);
        Assert.True(JsonDocument.Parse(await erased.Content.ReadAsStringAsync()).RootElement.GetProperty("n_erased").GetInt32() > 16);
        Assert.Equal(0, await engine.Http.GetMetricAsync("llamacpp:kv_cache_tokens"));
    }

    [Fact]
    public async Task A_prompt_longer_than_the_slot_context_is_refused_before_decoding()
    {
        await using var engine = await EngineProcess.StartAsync(RepoPaths.Stories260K, ["-c", "64"]);
        var prompt = string.Join(' ', Enumerable.Repeat("Once upon a time", 40));

        var (status, body) = await engine.Http.PostJsonAsync("/completion", JsonSerializer.Serialize(new { prompt, n_predict = 4 }));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("context", body.GetProperty("error").GetProperty("message").GetString());
    }

    [Fact]
    public async Task Serves_pooled_embeddings_when_started_with_embedding_and_501_without()
    {
        await using var engine = await EngineProcess.StartAsync(RepoPaths.Stories260K, ["--embedding", "-c", "512"]);

        var (status, body) = await engine.Http.PostJsonAsync("/embedding", """{"content":["Once upon a time","The dog ran"]}""");

        Assert.Equal(HttpStatusCode.OK, status);
        var items = body.EnumerateArray().ToList();
        Assert.Equal([0, 1], items.Select(i => i.GetProperty("index").GetInt32()));
        var first = items[0].GetProperty("embedding")[0].EnumerateArray().Select(v => v.GetDouble()).ToList();
        Assert.Equal(64, first.Count);
        Assert.Equal(1.0, Math.Sqrt(first.Sum(v => v * v)), 3);
        Assert.True(items[0].GetProperty("tokens_evaluated").GetInt32() > 1);

        // Generation still works beside the embedding context.
        Assert.Equal(4, (await engine.Http.CompleteAsync("""{"prompt":"Once","n_predict":4}""")).GetProperty("tokens_predicted").GetInt32());

        await using var plain = await EngineProcess.StartAsync(RepoPaths.Stories260K);
        var (refused, _) = await plain.Http.PostJsonAsync("/embedding", """{"content":"x"}""");
        Assert.Equal(HttpStatusCode.NotImplemented, refused);
    }

    [Fact]
    public async Task A_file_that_is_not_a_model_exits_with_3_and_the_loader_reason()
    {
        var bogus = Path.Combine(Path.GetTempPath(), $"not-a-model-{Guid.NewGuid():N}.gguf");
        await File.WriteAllTextAsync(bogus, "not a gguf file at all");
        try
        {
            var run = await EngineProcess.RunToExitAsync(["-m", bogus, "--port", "0"]);
            Assert.Equal(3, run.ExitCode);
            Assert.Contains("cannot load model", run.Stderr);
            Assert.Contains("not a GGUF file", run.Stderr);
        }
        finally
        {
            File.Delete(bogus);
        }
    }

    private static async Task<string> TextAsync(EngineProcess engine, string body)
    {
        var result = await engine.Http.CompleteAsync(body);
        return result.GetProperty("content").GetString()!;
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using LlamaOrch.Testing;

namespace LlamaOrch.EndToEnd.Tests.LlamaServer;

/// <summary>
/// A real llama-server as a pool's engine (<c>Pools:N:EngineCommand</c>): orchestratord starts it as it starts
/// llorch-engine. The regression tests of issue 18's defects 1 to 4. Skipped where no llama-server is built
/// (<see cref="LlamaServerBuild"/>).
/// </summary>
public sealed class LlamaServerEngineTests
{
    private static readonly string Model = "file:" + RepoPaths.Stories260K;

    private static string[] EnginePool(int slots, int ctx, params string[] more) =>
    [
        .. Orchestrator.Pool(Model, slots: slots, capacity: 64, ctx: ctx), $"Pools:0:EngineCommand={LlamaServerBuild.Path}", .. more,
    ];

    private static string Text(List<SseFrame> frames) => string.Concat(frames.Where(f => f.Event == "token").Select(f => f.Str("t")));

    [LlamaServerFact]
    public async Task Eight_concurrent_tasks_on_four_slots_all_end_none_with_WORKER_RESET()
    {
        // Defect 1: llama-server closes its connection after each stream while advertising keep-alive.
        await using var orchestrator = await Orchestrator.StartAsync(EnginePool(slots: 4, ctx: 256));
        var pool = (await orchestrator.HealthAsync())["pools"]![0]!;
        Assert.StartsWith("llama.cpp ", pool["engine_version"]!.GetValue<string>());

        var prompts = new[] { "Once upon a time", "Lily had a", "The big dog", "Tom and Sue" };
        async Task<List<SseFrame>> RunAsync(int i)
        {
            var id = (await orchestrator.AdmitAsync(Orchestrator.Task(Model, prompts[i % prompts.Length], maxTokens: 24, seed: i)))["task_id"]!.GetValue<string>();
            return await orchestrator.StreamAsync(id);
        }

        var results = new List<List<SseFrame>>();
        for (var round = 0; round < 4; round++) results.AddRange(await Task.WhenAll(Enumerable.Range(round * 8, 8).Select(RunAsync)));

        Assert.All(results, frames =>
        {
            Assert.DoesNotContain(frames, f => f.Event == "error");
            Assert.Equal("end", frames[^1].Event);
            Assert.InRange(frames[^1].Int("tokens_out"), 1, 24);
        });
    }

    [LlamaServerFact]
    public async Task The_prompt_fit_check_counts_the_BOS_llama_server_adds()
    {
        // Defect 4: counted without the BOS, a prompt one token too long was admitted and stopped one token short.
        await using var orchestrator = await Orchestrator.StartAsync(EnginePool(slots: 2, ctx: 256));
        // The context per slot as llama-server reports it (it rounds its context up to a multiple of 256).
        var ctx = (await orchestrator.Http.GetFromJsonAsync<JsonObject>("/v1/capabilities"))!["engines"]![0]!["ctx_max"]!.GetValue<int>();
        var prompt = "Once upon a time there was a little girl who liked to play in the park with her dog.";

        // The refusal says how many tokens the prompt has, as the engine counts them.
        using var refused = await orchestrator.SubmitAsync(Orchestrator.Task(Model, prompt, maxTokens: ctx, ctx: ctx));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var message = (await Orchestrator.ErrorOf(refused))["message"]!.GetValue<string>();
        var counted = int.Parse(System.Text.RegularExpressions.Regex.Match(message, @"^prompt: (\d+) prompt tokens").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

        // One token more than the context holds is refused before the 202 …
        using var oneTooMany = await orchestrator.SubmitAsync(Orchestrator.Task(Model, prompt, maxTokens: ctx - counted + 1, ctx: ctx));
        Assert.Equal(HttpStatusCode.BadRequest, oneTooMany.StatusCode);
        // … and exactly the context is admitted, and the engine evaluates as many prompt tokens as were counted.
        var fits = await orchestrator.StreamAsync((await orchestrator.AdmitAsync(Orchestrator.Task(Model, prompt, maxTokens: ctx - counted, ctx: ctx, seed: 3)))["task_id"]!.GetValue<string>());
        Assert.Equal("end", fits[^1].Event);
        Assert.Equal(counted, fits[^1].Int("tokens_in"));
    }

    [LlamaServerFact]
    public async Task Ten_strict_streams_are_identical_while_other_streams_run_and_capabilities_promise_it()
    {
        // Defect 3: llama-server decodes every running sequence in one batch, so a strict task gets the replica alone.
        await using var orchestrator = await Orchestrator.StartAsync(EnginePool(slots: 4, ctx: 512));
        var capability = (await orchestrator.Http.GetFromJsonAsync<JsonObject>("/v1/capabilities"))!["engines"]![0]!;
        Assert.True(capability["features"]!["determinism_strict"]!.GetValue<bool>());

        async Task<string> RunAsync(string prompt, long seed, bool strict)
        {
            var body = Orchestrator.Task(Model, prompt, maxTokens: 48, seed: seed, ctx: 512);
            if (strict) body["determinism"] = "strict";
            var frames = await orchestrator.StreamAsync((await orchestrator.AdmitAsync(body))["task_id"]!.GetValue<string>());
            Assert.Equal("end", frames[^1].Event);
            return Text(frames);
        }

        // Three streams of best-effort work run all the while, each submitting its next task as the last ends.
        using var stop = new CancellationTokenSource();
        var noiseDone = 0;
        async Task NoiseAsync(int stream)
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                // Long prompts: their evaluation shares the strict sequence's batches, as many tokens at once.
                await RunAsync(string.Concat(Enumerable.Repeat(stream % 2 == 0 ? "Lily had a big red ball. " : "The big dog ran in the park. ", 12)), 100 * stream + i, strict: false);
                Interlocked.Increment(ref noiseDone);
            }
        }
        var noise = Enumerable.Range(0, 3).Select(NoiseAsync).ToList();
        var strict = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => RunAsync("Once upon a time", 2024, strict: true)));
        var other = await RunAsync("Once upon a time", 2025, strict: true);
        await stop.CancelAsync();
        await Task.WhenAll(noise);

        Assert.Single(strict.Distinct());
        Assert.Matches("[a-z]{3,}", strict[0]);
        Assert.NotEqual(strict[0], other);
        Assert.True(noiseDone >= 3, $"only {noiseDone} best-effort tasks ran beside the strict ones");
    }

    [LlamaServerFact]
    public async Task Embeddings_are_pooled_and_each_vector_is_the_same_alone_or_among_other_inputs_on_ours_and_on_theirs()
    {
        // Defect 2. One replica is a llama-server we start (with --pooling mean), the other someone else's started with
        // --embedding alone, which for stories260K means pooling "none": a vector per token, which the adapter pools.
        await using var theirs = await LlamaServerProcess.StartAsync("-np", "2", "-c", "512", "--embedding");
        await using var orchestrator = await Orchestrator.StartAsync(
        [
            .. EnginePool(slots: 2, ctx: 256), "Pools:0:Replicas=1", "Pools:0:Workloads:0=embedding",
            $"Pools:0:Upstreams:0:Url={theirs.Url}", "Pools:0:Upstreams:0:Protocol=llamacpp",
        ]);
        await orchestrator.WaitUntilAsync(h => h["pools"]![0]!["replicas_ready"]!.GetValue<int>() == 2);

        string[] texts = ["Once upon a time", "The cat sat on the mat and looked at the bird.", "Lily had a big red ball"];
        async Task<(string Replica, List<(int Tokens, float[] Vector)> Vectors, int TokensIn)> EmbedAsync(params string[] inputs)
        {
            var body = Orchestrator.Task(Model, prompt: null);
            body["workload"] = "embedding";
            body["inputs"] = new JsonArray(inputs.Select(i => (JsonNode)JsonValue.Create(i)).ToArray());
            var frames = await orchestrator.StreamAsync((await orchestrator.AdmitAsync(body))["task_id"]!.GetValue<string>());
            Assert.Equal("end", frames[^1].Event);
            var vectors = frames.Where(f => f.Event == "embedding")
                .Select(f => (f.Int("tokens"), f.Data.GetProperty("embedding").EnumerateArray().Select(x => x.GetSingle()).ToArray())).ToList();
            return (frames.Single(f => f.Event == "started").Str("replica_id"), vectors, frames[^1].Int("tokens_in"));
        }

        var alone = new List<(string Replica, List<(int Tokens, float[] Vector)> Vectors, int TokensIn)>();
        foreach (var text in texts) alone.Add(await EmbedAsync(text));
        // Six tasks at once over both replicas, each text among the others, at different places.
        var among = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => EmbedAsync([.. texts.Skip(i % 3), .. texts.Take(i % 3)])));
        Assert.Equal(["p-r0", "p-u0"], among.Select(t => t.Replica).Distinct().Order());

        var tokens = await Task.WhenAll(texts.Select(theirs.CountTokensAsync));
        Assert.Equal(tokens, alone.Select(a => a.Vectors.Single().Tokens));
        Assert.Equal(tokens, alone.Select(a => a.TokensIn));
        foreach (var (task, i) in among.Select((t, i) => (t, i)))
        {
            var order = texts.Skip(i % 3).Concat(texts.Take(i % 3)).ToList();
            Assert.Equal(order.Select(t => tokens[Array.IndexOf(texts, t)]), task.Vectors.Select(v => v.Tokens));
            Assert.Equal(tokens.Sum(), task.TokensIn);
            for (var k = 0; k < order.Count; k++)
            {
                var vector = task.Vectors[k].Vector;
                var itself = alone[Array.IndexOf(texts, order[k])].Vectors[0].Vector;
                Assert.Equal(1.0, Math.Sqrt(vector.Sum(x => (double)x * x)), 3);
                Assert.True(Cosine(vector, itself) >= 0.9999, $"{task.Replica}: '{order[k]}' has cosine {Cosine(vector, itself)} with itself alone");
                var next = task.Vectors[(k + 1) % order.Count].Vector;
                Assert.True(Cosine(vector, next) < 0.99, $"{task.Replica}: different texts, cosine {Cosine(vector, next)}");
            }
        }
    }

    private static double Cosine(float[] a, float[] b)
    {
        Assert.Equal(a.Length, b.Length);
        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += (double)a[i] * b[i];
            na += (double)a[i] * a[i];
            nb += (double)b[i] * b[i];
        }
        return dot / Math.Sqrt(na * nb);
    }
}

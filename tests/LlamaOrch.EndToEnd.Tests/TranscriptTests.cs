using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using LlamaOrch.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlamaOrch.EndToEnd.Tests;

/// <summary>Task transcripts as <c>transcript</c> artifacts, and <c>POST /v1/artifacts/{id}/replay</c>.</summary>
public sealed class TranscriptTests
{
    private const string Sim = "sim:fast?tps=2000";

    private static async Task<JsonObject> GetAsync(Orchestrator orchestrator, string path)
    {
        using var response = await orchestrator.Http.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    private static async Task<(List<SseFrame> Frames, JsonObject Transcript)> RunWithTranscriptAsync(Orchestrator orchestrator, JsonObject body)
    {
        body["transcript"] = true;
        var id = (await orchestrator.AdmitAsync(body))["task_id"]!.GetValue<string>();
        var frames = await orchestrator.StreamAsync(id);
        Assert.Equal("end", frames[^1].Event);
        return (frames, await GetAsync(orchestrator, $"/v1/artifacts/{frames[^1].Str("transcript_id")}"));
    }

    private static List<string> Tokens(IEnumerable<SseFrame> frames) => [.. frames.Where(f => f.Event == "token").Select(f => f.Str("t"))];

    private static Task<HttpResponseMessage> ReplayAsync(Orchestrator orchestrator, string id, string? json = null) =>
        json is null ? orchestrator.Http.PostAsync($"/v1/artifacts/{id}/replay", null) : orchestrator.PostRawAsync($"/v1/artifacts/{id}/replay", json);

    [Fact]
    public async Task A_transcript_records_the_request_the_tokens_the_counts_and_the_session()
    {
        await using var orchestrator = await Orchestrator.StartAsync(Orchestrator.Pool(Sim));
        var body = Orchestrator.Task(Sim, "Once upon a time", maxTokens: 6, seed: 4242);
        body["determinism"] = "strict";
        body["stop"] = new JsonArray("THE END");

        var (frames, transcript) = await RunWithTranscriptAsync(orchestrator, body);

        var end = frames[^1];
        Assert.Equal("transcript", transcript["kind"]!.GetValue<string>());
        Assert.Equal(body["session_id"]!.GetValue<string>(), transcript["session_id"]!.GetValue<string>());
        Assert.Equal([$"task:{body["task_id"]}"], transcript["tags"]!.AsArray().Select(t => t!.GetValue<string>()));
        var content = transcript["content"]!.AsObject();
        Assert.Equal(body["task_id"]!.GetValue<string>(), content["task_id"]!.GetValue<string>());
        Assert.Equal("Once upon a time", content["prompt"]!.GetValue<string>());
        Assert.Equal(Sim, content["model_ref"]!.GetValue<string>());
        Assert.Equal("llamacpp", content["engine"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(content["engine_version"]!.GetValue<string>()));
        Assert.Equal("p", content["pool_id"]!.GetValue<string>());
        Assert.Equal(frames.Single(f => f.Event == "started").Str("replica_id"), content["replica_id"]!.GetValue<string>());
        Assert.Equal(4242, content["seed"]!.GetValue<long>());
        Assert.Equal("strict", content["determinism"]!.GetValue<string>());
        Assert.Equal("v1", content["sampler_profile_version"]!.GetValue<string>());
        Assert.Equal(["min_p", "repeat_penalty", "temperature", "top_k", "top_p"], content["sampling"]!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal(6, content["max_tokens"]!.GetValue<int>());
        Assert.Equal(256, content["ctx"]!.GetValue<int>());
        Assert.Equal("[\"THE END\"]", content["stop"]!.ToJsonString());
        Assert.Equal(Tokens(frames), content["tokens"]!.AsArray().Select(t => t!.GetValue<string>()));
        Assert.Equal(end.Int("tokens_out"), content["tokens_out"]!.GetValue<int>());
        Assert.Equal(end.Int("tokens_in"), content["tokens_in"]!.GetValue<int>());
        Assert.Equal(end.Str("stop_reason"), content["stop_reason"]!.GetValue<string>());
        Assert.Equal(end.Long("decode_ms"), content["timings"]!["decode_ms"]!.GetValue<long>());
        Assert.True(content["timings"]!["total_ms"]!.GetValue<long>() >= 0);
    }

    [Fact]
    public async Task A_task_that_does_not_ask_has_no_transcript_and_only_completions_can_ask()
    {
        await using var orchestrator = await Orchestrator.StartAsync(Orchestrator.Pool(Sim));
        var id = (await orchestrator.AdmitAsync(Orchestrator.Task(Sim, maxTokens: 2)))["task_id"]!.GetValue<string>();
        var end = (await orchestrator.StreamAsync(id))[^1];
        Assert.Equal("end", end.Event);
        Assert.False(end.Data.TryGetProperty("transcript_id", out _));

        var embedding = new JsonObject { ["workload"] = "embedding", ["model_ref"] = Sim, ["engine"] = "llamacpp", ["inputs"] = new JsonArray("a"), ["transcript"] = true };
        using var refused = await orchestrator.SubmitAsync(embedding);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.StartsWith("transcript:", (await Orchestrator.ErrorOf(refused))["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_failed_transcript_write_ends_the_task_normally_without_the_id()
    {
        var artifacts = Directory.CreateTempSubdirectory("llorch-transcript-").FullName;
        try
        {
            await using var orchestrator = await Orchestrator.StartAsync([.. Orchestrator.Pool(Sim), $"Artifacts:Dir={artifacts}"]);
            var logs = new LogCapture();
            orchestrator.Services.GetRequiredService<ILoggerFactory>().AddProvider(logs);
            // The folder goes away under orchestratord, so the write of the file fails.
            Directory.Delete(artifacts, recursive: true);
            var body = Orchestrator.Task(Sim, maxTokens: 3);
            body["transcript"] = true;
            var id = (await orchestrator.AdmitAsync(body))["task_id"]!.GetValue<string>();
            var frames = await orchestrator.StreamAsync(id);

            Assert.Equal("end", frames[^1].Event);
            Assert.Equal(3, frames[^1].Int("tokens_out"));
            Assert.False(frames[^1].Data.TryGetProperty("transcript_id", out _));
            Assert.Contains(logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains(id, StringComparison.Ordinal)
                                               && e.Message.Contains("transcript could not be stored", StringComparison.Ordinal));
        }
        finally
        {
            if (Directory.Exists(artifacts)) Directory.Delete(artifacts, recursive: true);
        }
    }

    [Fact]
    public async Task Replay_admits_a_new_task_with_the_transcripts_request_and_refuses_what_it_cannot_replay()
    {
        await using var orchestrator = await Orchestrator.StartAsync(Orchestrator.Pool(Sim));
        var (frames, transcript) = await RunWithTranscriptAsync(orchestrator, Orchestrator.Task(Sim, "a prompt", maxTokens: 4, seed: 7));
        var transcriptId = frames[^1].Str("transcript_id");
        var session = Guid.NewGuid().ToString();

        using var replayed = await ReplayAsync(orchestrator, transcriptId, $"{{\"session_id\": \"{session}\", \"priority\": \"batch\"}}");
        Assert.Equal(HttpStatusCode.Accepted, replayed.StatusCode);
        var admitted = JsonNode.Parse(await replayed.Content.ReadAsStringAsync())!;
        Assert.NotEqual(transcript["content"]!["task_id"]!.GetValue<string>(), admitted["task_id"]!.GetValue<string>());
        Assert.Equal(session, admitted["session_id"]!.GetValue<string>());
        Assert.Equal(7, admitted["seed"]!.GetValue<long>());
        Assert.Equal($"/v1/tasks/{admitted["task_id"]}/stream", replayed.Headers.Location!.ToString());
        Assert.Equal(Tokens(frames), Tokens(await orchestrator.StreamAsync(admitted["task_id"]!.GetValue<string>())));

        // An empty body keeps everything but the task id and the session.
        using var plain = await ReplayAsync(orchestrator, transcriptId);
        Assert.Equal(HttpStatusCode.Accepted, plain.StatusCode);

        using var unknown = await ReplayAsync(orchestrator, "sha256:" + new string('0', 64));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        using var malformed = await ReplayAsync(orchestrator, "not-an-id");
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);

        using var plan = await orchestrator.PostRawAsync("/v1/artifacts", """{"kind": "plan", "content": {"steps": []}}""");
        var planId = JsonNode.Parse(await plan.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
        using var notTranscript = await ReplayAsync(orchestrator, planId);
        Assert.Equal(HttpStatusCode.BadRequest, notTranscript.StatusCode);
        Assert.Contains("not a transcript", (await Orchestrator.ErrorOf(notTranscript))["message"]!.GetValue<string>());

        using var handMade = await orchestrator.PostRawAsync("/v1/artifacts", """{"kind": "transcript", "content": {"notes": "typed by hand"}}""");
        using var incomplete = await ReplayAsync(orchestrator, JsonNode.Parse(await handMade.Content.ReadAsStringAsync())!["id"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, incomplete.StatusCode);

        using var badSession = await ReplayAsync(orchestrator, transcriptId, """{"session_id": "nope"}""");
        Assert.Equal(HttpStatusCode.BadRequest, badSession.StatusCode);
        Assert.StartsWith("session_id:", (await Orchestrator.ErrorOf(badSession))["message"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("\"seed\": \"5\"", "content.seed")]
    [InlineData("\"seed\": 5, \"max_tokens\": \"5\"", "content.max_tokens")]
    [InlineData("\"seed\": 5, \"ctx\": true", "content.ctx")]
    [InlineData("\"seed\": 5, \"sampling\": {\"temperature\": \"hot\"}", "content.sampling.temperature")]
    [InlineData("\"seed\": 5, \"sampling\": [1]", "content.sampling")]
    public async Task Replaying_a_hand_made_transcript_with_a_number_of_the_wrong_type_is_400_naming_it(string fields, string field)
    {
        await using var orchestrator = await Orchestrator.StartAsync(Orchestrator.Pool(Sim));
        var content = $$"""{"prompt": "p", "model_ref": "{{Sim}}", "determinism": "strict", "sampler_profile_version": "greedy-v1", {{fields}}}""";
        using var stored = await orchestrator.PostRawAsync("/v1/artifacts", $$"""{"kind": "transcript", "content": {{content}}}""");
        Assert.Equal(HttpStatusCode.Created, stored.StatusCode);

        using var replay = await ReplayAsync(orchestrator, JsonNode.Parse(await stored.Content.ReadAsStringAsync())!["id"]!.GetValue<string>());

        Assert.Equal(HttpStatusCode.BadRequest, replay.StatusCode);
        var error = await Orchestrator.ErrorOf(replay);
        Assert.Equal("INVALID_PARAMS", error["code"]!.GetValue<string>());
        Assert.Contains($"its {field} must be", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_transcript_over_the_artifact_size_limit_is_not_stored_and_the_task_ends_without_its_id()
    {
        await using var orchestrator = await Orchestrator.StartAsync([.. Orchestrator.Pool(Sim, ctx: 4096), "Artifacts:MaxBytes=2500"]);
        var logs = new LogCapture();
        orchestrator.Services.GetRequiredService<ILoggerFactory>().AddProvider(logs);
        var body = Orchestrator.Task(Sim, string.Join(' ', Enumerable.Repeat("word", 600)), maxTokens: 3);
        body["transcript"] = true;

        var id = (await orchestrator.AdmitAsync(body))["task_id"]!.GetValue<string>();
        var frames = await orchestrator.StreamAsync(id);

        Assert.Equal("end", frames[^1].Event);
        Assert.Equal(3, frames[^1].Int("tokens_out"));
        Assert.False(frames[^1].Data.TryGetProperty("transcript_id", out _));
        var listed = await GetAsync(orchestrator, "/v1/artifacts?kind=transcript");
        Assert.Empty(listed["artifacts"]!.AsArray());
        Assert.Contains(logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains(id, StringComparison.Ordinal)
                                           && e.Message.Contains("Orchestrator:Artifacts:MaxBytes", StringComparison.Ordinal));

        // A short one still fits.
        var (shortFrames, _) = await RunWithTranscriptAsync(orchestrator, Orchestrator.Task(Sim, "short", maxTokens: 2));
        Assert.StartsWith("sha256:", shortFrames[^1].Str("transcript_id"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replay_is_refused_with_409_when_the_catalogs_digest_of_the_model_is_not_the_transcripts()
    {
        await using var orchestrator = await Orchestrator.StartAsync(Orchestrator.Pool(Sim));
        var served = "sha256:" + new string('a', 64);
        using var registered = await orchestrator.PostRawAsync("/v1/catalog/models",
            $$"""{"id": "other", "source_url": "hf:org/repo/other.gguf", "digest": "{{served}}"}""");
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);

        async Task<HttpResponseMessage> ReplayOfAsync(string digest)
        {
            using var stored = await orchestrator.PostRawAsync("/v1/artifacts", $$$"""
                {"kind": "transcript", "content": {"prompt": "hi", "model_ref": "other", "model_digest": "{{{digest}}}", "engine": "llamacpp",
                 "seed": 1, "determinism": "strict", "sampler_profile_version": "v1", "tokens": []}}
                """);
            return await ReplayAsync(orchestrator, JsonNode.Parse(await stored.Content.ReadAsStringAsync())!["id"]!.GetValue<string>());
        }

        using var stale = await ReplayOfAsync("sha256:" + new string('b', 64));
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Equal("MODEL_DIGEST_MISMATCH", (await Orchestrator.ErrorOf(stale))["code"]!.GetValue<string>());

        // The same digest passes the check and goes on to admission (where no pool serves this model).
        using var same = await ReplayOfAsync(served);
        Assert.NotEqual(HttpStatusCode.Conflict, same.StatusCode);
    }

    [Fact]
    public async Task With_strict_determinism_replaying_a_real_transcript_reproduces_its_tokens()
    {
        var library = Directory.CreateTempSubdirectory("llorch-replay-").FullName;
        try
        {
            var model = Path.Combine(library, "stories.gguf");
            File.Copy(RepoPaths.Stories260K, model);
            string digest;
            await using (var file = File.OpenRead(model)) digest = "sha256:" + Convert.ToHexStringLower(await SHA256.HashDataAsync(file));
            await using var orchestrator = await Orchestrator.StartAsync([.. Orchestrator.Pool(model, slots: 2, ctx: 256), $"Catalog:AllowedRoots:0={library}"]);
            using var registered = await orchestrator.PostRawAsync("/v1/catalog/models",
                new JsonObject { ["id"] = "stories", ["source_url"] = model, ["digest"] = digest }.ToJsonString());
            Assert.Equal(HttpStatusCode.Created, registered.StatusCode);

            var body = Orchestrator.Task("stories", "Once upon a time", maxTokens: 40, seed: 123);
            body["determinism"] = "strict";
            var (frames, transcript) = await RunWithTranscriptAsync(orchestrator, body);
            var original = Tokens(frames);
            Assert.True(original.Count > 5, string.Concat(original));
            Assert.Equal(original, transcript["content"]!["tokens"]!.AsArray().Select(t => t!.GetValue<string>()));
            Assert.Equal(digest, transcript["content"]!["model_digest"]!.GetValue<string>());
            Assert.Equal("stories", transcript["content"]!["model_ref"]!.GetValue<string>());

            // Twice, the second time while other work shares the replica's slots: strict holds either way.
            for (var round = 0; round < 2; round++)
            {
                var noise = round == 0 ? null : await orchestrator.AdmitAsync(Orchestrator.Task("stories", "The dog", maxTokens: 40, seed: 9));
                using var replayed = await ReplayAsync(orchestrator, frames[^1].Str("transcript_id"));
                Assert.Equal(HttpStatusCode.Accepted, replayed.StatusCode);
                var replayId = JsonNode.Parse(await replayed.Content.ReadAsStringAsync())!["task_id"]!.GetValue<string>();
                var again = await orchestrator.StreamAsync(replayId);
                Assert.Equal("end", again[^1].Event);
                Assert.Equal(original, Tokens(again));
                if (noise is not null) await orchestrator.StreamAsync(noise["task_id"]!.GetValue<string>());
            }
        }
        finally
        {
            Directory.Delete(library, recursive: true);
        }
    }
}

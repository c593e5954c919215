using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using LlamaOrch.Testing;

namespace LlamaOrch.EndToEnd.Tests;

/// <summary>
/// KV reuse across a session's turns on stories260K with real llama.cpp inference: orchestratord names each task's
/// engine slot, so a session's next turn goes back to the cache that holds its conversation so far.
/// </summary>
public sealed class SessionKvTests
{
    private static readonly string Model = RepoPaths.Stories260K;

    [Fact]
    public async Task Turns_two_to_five_of_a_growing_conversation_evaluate_only_their_new_tokens()
    {
        await using var orchestrator = await Orchestrator.StartAsync(Orchestrator.Pool(Model, slots: 2, ctx: 1024));
        var session = Guid.NewGuid().ToString();
        var conversation = "Once upon a time";
        var previousTokensIn = 0;
        for (var turn = 1; turn <= 5; turn++)
        {
            var (started, end, reply) = await RunAsync(orchestrator, Turn(session, conversation));

            if (turn == 1)
            {
                Assert.Equal(("cold", 0), (started.Str("kv"), end.Int("tokens_cached")));
            }
            else
            {
                Assert.Equal("session", started.Str("kv"));
                // All the previous turn read is reused (and its reply, but the last token): only what is new is evaluated.
                Assert.InRange(end.Int("tokens_cached"), previousTokensIn, end.Int("tokens_in") - 1);
            }
            previousTokensIn = end.Int("tokens_in");
            conversation += reply + " Then she said hello.";

            // Another session's task between two turns goes to the other slot and leaves this session's cache alone.
            var (otherStarted, _, _) = await RunAsync(orchestrator, Orchestrator.Task(Model, "Lily liked to play", maxTokens: 4, ctx: 1024));
            Assert.NotEqual(started.Int("slot"), otherStarted.Int("slot"));
        }
    }

    [Fact]
    public async Task A_new_session_whose_prompt_starts_as_a_cached_one_reuses_that_start_and_kv_hint_cold_reuses_nothing()
    {
        await using var orchestrator = await Orchestrator.StartAsync(Orchestrator.Pool(Model, slots: 2, ctx: 1024));
        const string System = "You are a storyteller. Tell short stories about a girl named Lily and her dog, who live in a small house by the sea.";
        var (first, _, _) = await RunAsync(orchestrator, Turn(Guid.NewGuid().ToString(), System + " Once upon a time"));

        var (shared, sharedEnd, _) = await RunAsync(orchestrator, Turn(Guid.NewGuid().ToString(), System + " One day"));
        Assert.Equal(("shared_prefix", first.Int("slot")), (shared.Str("kv"), shared.Int("slot")));
        Assert.True(sharedEnd.Int("tokens_cached") > 10, $"reused {sharedEnd.Int("tokens_cached")} tokens");

        var cold = Turn(Guid.NewGuid().ToString(), System + " One day");
        cold["kv_hint"] = "cold";
        var (coldStarted, coldEnd, _) = await RunAsync(orchestrator, cold);
        Assert.Equal(("cold", 0), (coldStarted.Str("kv"), coldEnd.Int("tokens_cached")));
    }

    [Fact]
    public async Task A_session_reports_its_turns_and_kv_and_delete_erases_the_slot_on_the_engine()
    {
        await using var orchestrator = await Orchestrator.StartAsync(Orchestrator.Pool(Model, slots: 2, ctx: 1024));
        var session = Guid.NewGuid().ToString();
        var (_, first, reply) = await RunAsync(orchestrator, Turn(session, "Once upon a time"));
        var conversation = "Once upon a time" + reply + " Then she said hello.";
        var (started, second, _) = await RunAsync(orchestrator, Turn(session, conversation));

        var report = (await orchestrator.Http.GetFromJsonAsync<JsonObject>($"/v1/sessions/{session}"))!;
        Assert.Equal(2, report["turns"]!.GetValue<int>());
        using (var spelled = await orchestrator.Http.GetAsync($"/v1/sessions/{{{session.ToUpperInvariant()}}}"))
            Assert.Equal(HttpStatusCode.OK, spelled.StatusCode); // any spelling of the uuid, as for task ids
        Assert.Equal(started.Int("slot"), report["slot"]!.GetValue<int>());
        Assert.Equal("p-r0", report["replica_id"]!.GetValue<string>());
        Assert.InRange(report["ttl_ms_remaining"]!.GetValue<long>(), 1, 30 * 60 * 1000);
        var turns = report["recent_turns"]!.AsArray();
        Assert.Equal([first.Int("tokens_cached"), second.Int("tokens_cached")], turns.Select(t => t!["tokens_cached"]!.GetValue<int>()));
        Assert.Equal(["cold", "session"], turns.Select(t => t!["kv"]!.GetValue<string>()));
        // The slot holds the second turn's prompt and reply but its last token.
        var held = second.Int("tokens_in") + second.Int("tokens_out") - 1;
        Assert.Equal(Math.Round((double)held / (held + 1), 4), report["kv_warmth"]!.GetValue<double>());
        var kvBytes = report["kv_bytes"]!.GetValue<long>();
        Assert.True(kvBytes > 0 && kvBytes % held == 0, $"kv_bytes {kvBytes} for {held} tokens");

        var cachedBefore = await EngineKvTokensAsync(orchestrator);
        using (var deleted = await orchestrator.Http.DeleteAsync($"/v1/sessions/{session}"))
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);

        Assert.Equal(cachedBefore - held, await EngineKvTokensAsync(orchestrator));
        using (var gone = await orchestrator.Http.GetAsync($"/v1/sessions/{session}"))
            Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        using (var again = await orchestrator.Http.DeleteAsync($"/v1/sessions/{session}"))
            Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        // The same session id now starts afresh: nothing of its old conversation is cached anywhere.
        var (_, afresh, _) = await RunAsync(orchestrator, Turn(session, conversation));
        Assert.Equal(0, afresh.Int("tokens_cached"));
    }

    private static async Task<double> EngineKvTokensAsync(Orchestrator orchestrator) =>
        PrometheusExposition.Parse(await orchestrator.Http.GetStringAsync("/metrics")).Sum("llamacpp:kv_cache_tokens");

    private static JsonObject Turn(string session, string prompt)
    {
        var body = Orchestrator.Task(Model, prompt, maxTokens: 12, ctx: 1024);
        body["session_id"] = session;
        return body;
    }

    private static async Task<(SseFrame Started, SseFrame End, string Reply)> RunAsync(Orchestrator orchestrator, JsonObject body)
    {
        var admitted = await orchestrator.AdmitAsync(body);
        var frames = await orchestrator.StreamAsync(admitted["task_id"]!.GetValue<string>());
        Assert.Equal("end", frames[^1].Event);
        var reply = string.Concat(frames.Where(f => f.Event == "token").Select(f => f.Str("t")));
        return (frames.Single(f => f.Event == "started"), frames[^1], reply);
    }
}

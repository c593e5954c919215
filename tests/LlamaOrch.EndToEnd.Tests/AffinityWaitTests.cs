using System.Text.Json.Nodes;
using LlamaOrch.Testing;

namespace LlamaOrch.EndToEnd.Tests;

/// <summary>
/// A session's second turn sent while its first still runs, on a pool with a free slot beside the busy one: with
/// Orchestrator:Sessions:AffinityWaitMs it waits for the first turn's slot and reuses its KV; without, it goes cold.
/// </summary>
public sealed class AffinityWaitTests
{
    /// <summary>Far longer than a first turn takes: the second turn waits for it however slow the machine.</summary>
    private const string LongWait = "Sessions:AffinityWaitMs=60000";

    [Theory]
    [InlineData(LongWait, "session")]
    [InlineData("Sessions:AffinityWaitMs=0", "cold")]
    public async Task A_turn_sent_while_the_last_runs_waits_for_its_slot_unless_the_wait_is_off(string wait, string kv)
    {
        const string Model = "sim:affinity?tps=20";
        await using var orchestrator = await Orchestrator.StartAsync([.. Orchestrator.Pool(Model, slots: 2), wait]);
        var session = Guid.NewGuid().ToString();

        var (first, second) = await SecondTurnWhileFirstRunsAsync(orchestrator,
            Turn(Model, session, "Once upon a time", maxTokens: 30, ctx: 256), Turn(Model, session, "Once upon a time there was", maxTokens: 2, ctx: 256));

        var (firstStarted, secondStarted) = (Started(first), Started(second));
        Assert.Equal(kv, secondStarted.Str("kv"));
        Assert.Equal(kv == "session", firstStarted.Int("slot") == secondStarted.Int("slot"));
    }

    [Fact]
    public async Task On_stories260K_the_waiting_turn_reuses_the_first_turns_kv()
    {
        var model = RepoPaths.Stories260K;
        await using var orchestrator = await Orchestrator.StartAsync([.. Orchestrator.Pool(model, slots: 2, ctx: 1024), LongWait]);
        var session = Guid.NewGuid().ToString();
        const string Prompt = "Once upon a time, there was a little girl named Lily. She loved to play outside with her dog.";

        var (first, second) = await SecondTurnWhileFirstRunsAsync(orchestrator,
            Turn(model, session, Prompt, maxTokens: 200, ctx: 1024), Turn(model, session, Prompt + " One day", maxTokens: 8, ctx: 1024));

        var secondStarted = Started(second);
        Assert.Equal(("session", Started(first).Int("slot")), (secondStarted.Str("kv"), secondStarted.Int("slot")));
        Assert.Equal("end", second[^1].Event);
        Assert.True(second[^1].Int("tokens_cached") > 0, $"reused {second[^1].Int("tokens_cached")} tokens");
    }

    /// <summary>Admits the first turn, and the second once the first has streamed a token; returns both streams.</summary>
    private static async Task<(List<SseFrame> First, List<SseFrame> Second)> SecondTurnWhileFirstRunsAsync(
        Orchestrator orchestrator, JsonObject first, JsonObject second)
    {
        var firstId = (await orchestrator.AdmitAsync(first))["task_id"]!.GetValue<string>();
        var running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var firstFrames = SseFrame.ReadAllAsync(orchestrator.Http, firstId, f =>
        {
            if (f.Event == "token") running.TrySetResult();
        });
        await Task.WhenAny(running.Task, firstFrames);
        Assert.True(running.Task.IsCompleted, "the first turn ended without a token");
        var secondId = (await orchestrator.AdmitAsync(second))["task_id"]!.GetValue<string>();
        return (await firstFrames, await orchestrator.StreamAsync(secondId));
    }

    private static SseFrame Started(List<SseFrame> frames) => frames.Single(f => f.Event == "started");

    private static JsonObject Turn(string model, string session, string prompt, int maxTokens, int ctx)
    {
        var body = Orchestrator.Task(model, prompt, maxTokens, ctx: ctx);
        body["session_id"] = session;
        return body;
    }
}

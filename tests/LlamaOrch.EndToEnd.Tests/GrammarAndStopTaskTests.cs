using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using LlamaOrch.Core.Chat;
using LlamaOrch.Testing;

namespace LlamaOrch.EndToEnd.Tests;

/// <summary>The task API's <c>grammar</c> and <c>stop</c> extensions, through orchestratord to llorch-engine serving stories260K.</summary>
public sealed class GrammarAndStopTaskTests
{
    private const string Schema = """
        {"type":"object","properties":{"hero":{"type":"string","minLength":1,"maxLength":10},"friends":{"type":"array","items":{"enum":["cat","dog"]},"minItems":1,"maxItems":2}},"required":["hero","friends"]}
        """;

    [Fact]
    public async Task A_task_with_a_grammar_returns_valid_json_and_one_with_stop_ends_at_the_stop_string()
    {
        var model = "file:" + RepoPaths.Stories260K;
        await using var orchestrator = await Orchestrator.StartAsync(Orchestrator.Pool(model, slots: 2, ctx: 512));

        async Task<(List<SseFrame> Frames, string Text)> RunAsync(Action<JsonObject> extend, int maxTokens)
        {
            var body = Orchestrator.Task(model, "Once upon a time", maxTokens: maxTokens, ctx: 512, seed: 7);
            extend(body);
            var id = (await orchestrator.AdmitAsync(body))["task_id"]!.GetValue<string>();
            var frames = await orchestrator.StreamAsync(id);
            return (frames, string.Concat(frames.Where(f => f.Event == "token").Select(f => f.Str("t"))));
        }

        var grammar = JsonSchemaGrammar.FromSchema(JsonDocument.Parse(Schema).RootElement);
        var (jsonFrames, json) = await RunAsync(body => body["grammar"] = grammar, 300);
        Assert.Equal("end", jsonFrames[^1].Event);
        Assert.Equal("eos", jsonFrames[^1].Str("stop_reason"));
        using (var document = JsonDocument.Parse(json))
        {
            Assert.True(JsonSchema.FromText(Schema).Evaluate(document.RootElement).IsValid, json);
        }

        var (_, free) = await RunAsync(_ => { }, 48);
        var at = free.IndexOf(' ', free.Length / 2);
        Assert.True(at > 2 && at + 3 <= free.Length, free);
        var word = free.Substring(at - 2, 5);
        var (stopFrames, stopped) = await RunAsync(body => body["stop"] = new JsonArray("no such words", word), 48);
        Assert.Equal("end", stopFrames[^1].Event);
        Assert.Equal("stop_word", stopFrames[^1].Str("stop_reason"));
        Assert.Equal(free[..free.IndexOf(word, StringComparison.Ordinal)], stopped);

        // GBNF is checked where llama.cpp is, in the engine: its 400 ends the task with INVALID_PARAMS.
        var (badFrames, _) = await RunAsync(body => body["grammar"] = "root ::= missing-rule", 8);
        Assert.Equal("error", badFrames[^1].Event);
        Assert.Equal("INVALID_PARAMS", badFrames[^1].Str("code"));
        Assert.Contains("grammar failed to parse", badFrames[^1].Str("message"));
    }
}

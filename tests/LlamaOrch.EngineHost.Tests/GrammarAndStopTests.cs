using System.Net;
using System.Text;
using System.Text.Json;
using Json.Schema;
using LlamaOrch.Core.Chat;
using LlamaOrch.EngineHost.Tests.Harness;
using LlamaOrch.Testing;

namespace LlamaOrch.EngineHost.Tests;

/// <summary>
/// <c>grammar</c> and <c>stop</c> on llorch-engine's <c>/completion</c>: stories260K knows nothing of JSON, so valid
/// JSON out of it is the grammar sampler's doing.
/// </summary>
public sealed class GrammarAndStopTests
{
    private const string PersonSchema = """
        {"type":"object",
         "properties":{
           "name":{"type":"string","minLength":1,"maxLength":12},
           "age":{"type":"integer"},
           "tags":{"type":"array","items":{"enum":["kind","brave","small"]},"maxItems":3},
           "pet":{"anyOf":[{"type":"null"},{"$ref":"#/$defs/pet"}]},
           "happy":{"type":"boolean"}},
         "required":["name","age","tags","pet"],
         "$defs":{"pet":{"type":"object","properties":{"kind":{"enum":["dog","cat"]},"legs":{"type":"integer"}},"required":["kind"]}}}
        """;

    private static string Body(object fields) => JsonSerializer.Serialize(fields);

    [Fact]
    public async Task A_json_schema_grammar_makes_a_story_model_write_valid_json_for_several_seeds()
    {
        await using var engine = await EngineProcess.StartAsync(RepoPaths.Stories260K, ["-np", "2", "-c", "2048"]);
        var grammar = JsonSchemaGrammar.FromSchema(JsonDocument.Parse(PersonSchema).RootElement);
        var schema = JsonSchema.FromText(PersonSchema);

        foreach (var seed in new[] { 1, 2, 3, 4, 5 })
        {
            var reply = await engine.Http.CompleteAsync(Body(new { prompt = "Once upon a time", n_predict = 800, seed, grammar }));
            var content = reply.GetProperty("content").GetString()!;

            Assert.Equal("eos", reply.GetProperty("stop_type").GetString());
            using var json = JsonDocument.Parse(content);
            var result = schema.Evaluate(json.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
            Assert.True(result.IsValid, $"seed {seed}: {content}");
        }
    }

    [Fact]
    public async Task A_forced_hermes_tool_call_parses_into_a_call_of_the_named_function_with_valid_arguments()
    {
        await using var engine = await EngineProcess.StartAsync(RepoPaths.Stories260K, ["-c", "1024"]);
        const string Parameters = """{"type":"object","properties":{"city":{"type":"string","maxLength":16},"days":{"type":"integer"}},"required":["city","days"]}""";
        var tools = new[]
        {
            new ChatTool("get_weather", null, JsonDocument.Parse(Parameters).RootElement),
            new ChatTool("get_time", null, JsonDocument.Parse("""{"type":"object","properties":{}}""").RootElement),
        };
        var grammar = ToolCallGrammar.For(ToolCallFormat.Hermes, tools, ToolChoice.Function("get_weather"));

        await using var stream = await StreamedCompletion.StartAsync(engine.Http,
            Body(new { prompt = "Lily went to the park", n_predict = 400, stream = true, seed = 9, grammar }));
        var parser = new ToolCallStreamParser(ToolCallFormat.Hermes);
        var deltas = new List<ChatDelta>();
        foreach (var frame in await stream.ReadToEndAsync())
        {
            parser.Push(frame.GetProperty("content").GetString()!, deltas);
        }
        parser.Finish(deltas);

        Assert.DoesNotContain(deltas, d => d.Content is not null);
        var calls = deltas.Select(d => d.ToolCall!).ToList();
        Assert.Equal("get_weather", calls[0].Name);
        Assert.StartsWith("call_", calls[0].Id);
        var arguments = string.Concat(calls.Select(c => c.ArgumentsFragment));
        using var json = JsonDocument.Parse(arguments);
        Assert.True(JsonSchema.FromText(Parameters).Evaluate(json.RootElement).IsValid, arguments);
    }

    [Fact]
    public async Task A_grammar_with_strict_determinism_reproduces_and_the_seed_matters()
    {
        await using var engine = await EngineProcess.StartAsync(RepoPaths.Stories260K, ["-np", "2", "-c", "2048"]);
        var grammar = JsonSchemaGrammar.FromSchema(JsonDocument.Parse(PersonSchema).RootElement);
        string Request(int seed) => Body(new { prompt = "The cat", n_predict = 800, seed, grammar, llorch_strict = true });

        var first = await engine.Http.CompleteAsync(Request(21));
        var again = await Task.WhenAll(
            engine.Http.CompleteAsync(Request(21)),
            engine.Http.CompleteAsync(Body(new { prompt = "A dog ran", n_predict = 64, seed = 3 })));
        var other = await engine.Http.CompleteAsync(Request(22));

        Assert.Equal(first.GetProperty("content").GetString(), again[0].GetProperty("content").GetString());
        Assert.NotEqual(first.GetProperty("content").GetString(), other.GetProperty("content").GetString());
    }

    [Theory]
    [InlineData("root ::= \"a")]
    [InlineData("root ::= undefined-rule")]
    [InlineData("start ::= \"a\"")]
    public async Task A_grammar_that_does_not_parse_is_a_400_in_llama_servers_shape(string grammar)
    {
        await using var engine = await EngineProcess.StartAsync(RepoPaths.Stories260K);

        var (status, reply) = await engine.Http.PostJsonAsync("/completion", Body(new { prompt = "Once", n_predict = 4, grammar }));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var error = reply.GetProperty("error");
        Assert.Equal(400, error.GetProperty("code").GetInt32());
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Contains("grammar failed to parse", error.GetProperty("message").GetString());
        Assert.Equal(0, (await engine.Http.GetJsonAsync("/slots"))[0].GetProperty("n_decoded").GetInt32());
    }

    [Fact]
    public async Task Stop_strings_end_real_generation_and_are_not_emitted_streamed_or_not()
    {
        await using var engine = await EngineProcess.StartAsync(RepoPaths.Stories260K, ["-c", "1024"]);
        var free = (await engine.Http.CompleteAsync(Body(new { prompt = "Once upon a time", n_predict = 64, seed = 5 })))
            .GetProperty("content").GetString()!;
        var (before, word) = PickStopWord(free);

        var stopped = await engine.Http.CompleteAsync(
            Body(new { prompt = "Once upon a time", n_predict = 64, seed = 5, stop = new[] { "zzqx", word } }));
        await using var stream = await StreamedCompletion.StartAsync(engine.Http,
            Body(new { prompt = "Once upon a time", n_predict = 64, seed = 5, stream = true, stop = new[] { word } }));
        var frames = await stream.ReadToEndAsync();

        Assert.Equal(before, stopped.GetProperty("content").GetString());
        Assert.Equal("word", stopped.GetProperty("stop_type").GetString());
        Assert.Equal(word, stopped.GetProperty("stopping_word").GetString());
        Assert.True(stopped.GetProperty("tokens_predicted").GetInt32() < 64);
        Assert.Equal(before, string.Concat(frames.Select(f => f.GetProperty("content").GetString())));
        Assert.Equal("word", frames[^1].GetProperty("stop_type").GetString());
    }

    [Fact]
    public async Task A_sim_model_refuses_a_grammar_but_honours_stop_strings()
    {
        await using var engine = await EngineProcess.StartAsync("sim:stop?tps=0");

        var (status, reply) = await engine.Http.PostJsonAsync("/completion", Body(new { prompt = "x", n_predict = 4, grammar = "root ::= \"a\"" }));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("grammar is not supported by the synthetic model", reply.GetProperty("error").GetProperty("message").GetString());

        var free = (await engine.Http.CompleteAsync(Body(new { prompt = "x", n_predict = 40, seed = 4 }))).GetProperty("content").GetString()!;
        var (before, word) = PickStopWord(free);
        var stopped = await engine.Http.CompleteAsync(Body(new { prompt = "x", n_predict = 40, seed = 4, stop = new[] { word } }));

        Assert.Equal(before, stopped.GetProperty("content").GetString());
        Assert.Equal("word", stopped.GetProperty("stop_type").GetString());
        Assert.Equal(word, stopped.GetProperty("stopping_word").GetString());
        Assert.Equal("", (await engine.Http.CompleteAsync(Body(new { prompt = "x", n_predict = 4 }))).GetProperty("stopping_word").GetString());
    }

    // A stop string from the middle of an unconstrained run (spanning a word boundary, so likely several tokens), and
    // the text before its first occurrence.
    private static (string Before, string Word) PickStopWord(string text)
    {
        var at = text.IndexOf(' ', text.Length / 2);
        Assert.True(at > 0 && at + 3 <= text.Length, $"the free run is too short to pick a stop string from: {text}");
        var word = text.Substring(at - 2, 5);
        return (text[..text.IndexOf(word, StringComparison.Ordinal)], word);
    }
}

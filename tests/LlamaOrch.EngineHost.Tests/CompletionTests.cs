using System.Net;
using System.Text;
using System.Text.Json;
using LlamaOrch.EngineHost.Tests.Harness;

namespace LlamaOrch.EngineHost.Tests;

/// <summary>Two slots of 256 tokens, unpaced so that whole contexts fill in moments.</summary>
public sealed class CompletionEngineFixture() : EngineFixture("sim:completion?tps=0", "-np", "2", "-c", "512");

/// <summary><c>POST /completion</c> against a running engine: frames, counts, determinism, limits and errors.</summary>
public sealed class CompletionTests(CompletionEngineFixture fixture) : IClassFixture<CompletionEngineFixture>
{
    private const int ContextPerSlot = 256;

    private readonly HttpClient _http = fixture.Http;

    [Fact]
    public async Task Streamed_completion_sends_a_frame_per_token_then_a_final_frame()
    {
        await using var stream = await StreamedCompletion.StartAsync(
            _http,
            """{"prompt":"Once upon a time","n_predict":10,"stream":true,"seed":7}""");
        var frames = await stream.ReadToEndAsync();

        Assert.Equal("text/event-stream", stream.Response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(11, frames.Count);
        var slot = frames[0].GetProperty("id_slot").GetInt32();
        Assert.InRange(slot, 0, 1);
        for (var k = 0; k < 10; k++)
        {
            Assert.False(frames[k].GetProperty("stop").GetBoolean());
            Assert.Equal(k + 1, frames[k].GetProperty("tokens_predicted").GetInt32());
            Assert.Equal(slot, frames[k].GetProperty("id_slot").GetInt32());
            Assert.StartsWith(" ", frames[k].GetProperty("content").GetString());
        }

        var final = frames[10];
        Assert.True(final.GetProperty("stop").GetBoolean());
        Assert.Equal("", final.GetProperty("content").GetString());
        Assert.Equal(slot, final.GetProperty("id_slot").GetInt32());
        Assert.Equal(10, final.GetProperty("tokens_predicted").GetInt32());
        Assert.Equal(4, final.GetProperty("tokens_evaluated").GetInt32());
        Assert.Equal("limit", final.GetProperty("stop_type").GetString());
        Assert.Equal(fixture.Model, final.GetProperty("model").GetString());
        var timings = final.GetProperty("timings");
        Assert.Equal(4, timings.GetProperty("prompt_n").GetInt32());
        Assert.Equal(0, timings.GetProperty("cache_n").GetInt32()); // a sim prompt is never cached
        Assert.Equal(10, timings.GetProperty("predicted_n").GetInt32());
        Assert.True(timings.GetProperty("prompt_ms").GetDouble() >= 0);
        Assert.True(timings.GetProperty("predicted_ms").GetDouble() >= 0);
        Assert.True(timings.GetProperty("predicted_per_second").GetDouble() >= 0);
    }

    [Fact]
    public async Task Completion_without_stream_returns_the_streamed_text_in_one_object()
    {
        const string Body = """{"prompt":"The garden","n_predict":12,"seed":99,"stream":false}""";
        await using var stream = await StreamedCompletion.StartAsync(_http, Body.Replace("false", "true"));
        var streamed = Concatenate(await stream.ReadToEndAsync());

        var reply = await _http.CompleteAsync(Body);

        Assert.Equal(streamed, reply.GetProperty("content").GetString());
        Assert.True(reply.GetProperty("stop").GetBoolean());
        Assert.Equal(12, reply.GetProperty("tokens_predicted").GetInt32());
        Assert.Equal(2, reply.GetProperty("tokens_evaluated").GetInt32());
        Assert.Equal("limit", reply.GetProperty("stop_type").GetString());
        Assert.Equal(12, reply.GetProperty("timings").GetProperty("predicted_n").GetInt32());
        Assert.Equal(fixture.Model, reply.GetProperty("model").GetString());
    }

    [Fact]
    public async Task Same_seed_and_prompt_give_the_same_text_and_a_different_seed_or_prompt_does_not()
    {
        var first = await TextAsync("A quiet morning", seed: 1234);
        var again = await TextAsync("A quiet morning", seed: 1234);
        var otherSeed = await TextAsync("A quiet morning", seed: 1235);
        var otherPrompt = await TextAsync("A quiet evening", seed: 1234);

        Assert.Equal(first, again);
        Assert.NotEqual(first, otherSeed);
        Assert.NotEqual(first, otherPrompt);
    }

    [Fact]
    public async Task Absent_seed_is_a_fixed_default()
    {
        var body = """{"prompt":"x","n_predict":20}""";

        var first = (await _http.CompleteAsync(body)).GetProperty("content").GetString();
        var second = (await _http.CompleteAsync(body)).GetProperty("content").GetString();

        Assert.Equal(first, second);
    }

    [Fact]
    public async Task Generated_text_tokenizes_to_as_many_tokens_as_were_predicted()
    {
        var reply = await _http.CompleteAsync("""{"prompt":"","n_predict":40,"seed":5}""");

        var (_, tokens) = await _http.PostJsonAsync(
            "/tokenize",
            JsonSerializer.Serialize(new Dictionary<string, string> { ["content"] = reply.GetProperty("content").GetString()! }));

        Assert.Equal(40, tokens.GetProperty("tokens").GetArrayLength());
    }

    [Fact]
    public async Task Without_n_predict_generation_stops_when_the_slot_context_is_full()
    {
        var reply = await _http.CompleteAsync("""{"prompt":"one two three four five six","stream":false}""");

        Assert.Equal(ContextPerSlot - 6, reply.GetProperty("tokens_predicted").GetInt32());
        Assert.Equal("limit", reply.GetProperty("stop_type").GetString());
    }

    [Fact]
    public async Task N_predict_of_minus_one_streams_until_the_context_is_full()
    {
        await using var stream = await StreamedCompletion.StartAsync(_http, """{"prompt":"","n_predict":-1,"stream":true}""");
        var frames = await stream.ReadToEndAsync();

        Assert.Equal(ContextPerSlot + 1, frames.Count);
        Assert.Equal(ContextPerSlot, frames[^1].GetProperty("tokens_predicted").GetInt32());
    }

    [Fact]
    public async Task Zero_n_predict_evaluates_the_prompt_only()
    {
        var reply = await _http.CompleteAsync("""{"prompt":"hello","n_predict":0}""");

        Assert.Equal("", reply.GetProperty("content").GetString());
        Assert.Equal(0, reply.GetProperty("tokens_predicted").GetInt32());
        Assert.Equal(1, reply.GetProperty("tokens_evaluated").GetInt32());
    }

    [Fact]
    public async Task Prompt_and_n_predict_that_fit_the_context_exactly_are_accepted()
    {
        var reply = await _http.CompleteAsync("""{"prompt":"one two three four five six","n_predict":250}""");

        Assert.Equal(250, reply.GetProperty("tokens_predicted").GetInt32());
    }

    [Theory]
    [InlineData("""{"prompt":"one two three four five six","n_predict":251}""")]
    [InlineData("""{"prompt":"","n_predict":257}""")]
    public async Task Prompt_and_n_predict_beyond_the_slot_context_are_a_400(string body)
    {
        await AssertBadRequestAsync(body, "context");
    }

    [Fact]
    public async Task Prompt_that_fills_the_context_is_a_400_when_predicting_until_full()
    {
        var prompt = string.Join(' ', Enumerable.Repeat("word", ContextPerSlot));

        await AssertBadRequestAsync($$"""{"prompt":"{{prompt}}"}""", "context");
    }

    [Theory]
    [InlineData("""{"n_predict":3}""", "key 'prompt' not found")] // llama-server's words
    [InlineData("""{"prompt":"unterminated""", "JSON")]
    [InlineData("""not json at all""", "JSON")]
    [InlineData("", "JSON")]
    [InlineData("""null""", "JSON object")]
    [InlineData("""{"prompt":5}""", "JSON")]
    [InlineData("""{"prompt":"","n_predict":"ten"}""", "JSON")]
    [InlineData("""{"prompt":"","n_predict":-2}""", "n_predict")]
    [InlineData("""{"prompt":"","id_slot":2}""", "id_slot")]
    [InlineData("""{"prompt":"","id_slot":-2}""", "id_slot")]
    [InlineData("""{"prompt":"","temperature":-0.5}""", "temperature")]
    [InlineData("""{"prompt":"","top_k":-1}""", "top_k")]
    [InlineData("""{"prompt":"","top_p":1.5}""", "top_p")]
    [InlineData("""{"prompt":"","min_p":-0.1}""", "min_p")]
    [InlineData("""{"prompt":"","repeat_penalty":-1}""", "repeat_penalty")]
    public async Task Malformed_or_out_of_range_bodies_are_a_400_in_llama_server_shape(string body, string mentioned)
    {
        await AssertBadRequestAsync(body, mentioned);
    }

    [Fact]
    public async Task Sampling_fields_and_unknown_fields_are_accepted()
    {
        var reply = await _http.CompleteAsync(
            """
            {"prompt":"hi","n_predict":3,"temperature":0,"top_k":1,"top_p":0.5,"min_p":0.1,
             "repeat_penalty":1.1,"cache_prompt":true,"id_slot":-1,"stop":["\n"],"n_probs":0}
            """);

        Assert.Equal(3, reply.GetProperty("tokens_predicted").GetInt32());
    }

    [Fact]
    public async Task Id_slot_runs_the_completion_in_that_slot()
    {
        await using var stream = await StreamedCompletion.StartAsync(
            _http,
            """{"prompt":"","n_predict":3,"stream":true,"id_slot":1}""");

        Assert.All(await stream.ReadToEndAsync(), frame => Assert.Equal(1, frame.GetProperty("id_slot").GetInt32()));
    }

    [Fact]
    public async Task A_body_over_kestrels_limit_is_413_in_llama_servers_error_envelope()
    {
        // Kestrel's default limit is 30,000,000 bytes: a body declared larger is refused at its first read, which the engine
        // answers itself. Only the head is sent, so the answer can be read before the connection closes.
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(_http.BaseAddress!.Host, _http.BaseAddress.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync("POST /completion HTTP/1.1\r\nHost: engine\r\nContent-Type: application/json\r\nContent-Length: 30000001\r\n\r\n"u8.ToArray());
        var answer = await new StreamReader(stream).ReadToEndAsync();

        Assert.StartsWith("HTTP/1.1 413", answer);
        // The body is chunked: the JSON object is what stands between its first brace and its last.
        var error = JsonDocument.Parse(answer[answer.IndexOf('{')..(answer.LastIndexOf('}') + 1)]).RootElement.GetProperty("error");
        Assert.Equal(413, error.GetProperty("code").GetInt32());
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
    }

    private async Task<string> TextAsync(string prompt, long seed)
    {
        var reply = await _http.CompleteAsync($$"""{"prompt":"{{prompt}}","seed":{{seed}},"n_predict":30}""");
        return reply.GetProperty("content").GetString()!;
    }

    private async Task AssertBadRequestAsync(string body, string mentioned)
    {
        var (status, reply) = await _http.PostJsonAsync("/completion", body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var error = reply.GetProperty("error");
        Assert.Equal(400, error.GetProperty("code").GetInt32());
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Contains(mentioned, error.GetProperty("message").GetString());
    }

    private static string Concatenate(List<JsonElement> frames)
    {
        var text = new StringBuilder();
        foreach (var frame in frames)
        {
            text.Append(frame.GetProperty("content").GetString());
        }

        return text.ToString();
    }
}

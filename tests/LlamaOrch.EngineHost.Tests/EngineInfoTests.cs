using System.Net;
using LlamaOrch.EngineHost.Tests.Harness;

namespace LlamaOrch.EngineHost.Tests;

public sealed class InfoEngineFixture() : EngineFixture("sim:info?tps=1000", "-np", "3", "-c", "3000");

/// <summary>The read-only endpoints of a running engine: health, props, slots, tokenize, metrics.</summary>
public sealed class EngineInfoTests(InfoEngineFixture fixture) : IClassFixture<InfoEngineFixture>
{
    private readonly HttpClient _http = fixture.Http;

    [Fact]
    public async Task Health_is_ok_once_loaded()
    {
        var health = await _http.GetJsonAsync("/health");

        Assert.Equal("ok", health.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Props_report_slots_context_model_and_synthetic_label()
    {
        var props = await _http.GetJsonAsync("/props");

        Assert.Equal(3, props.GetProperty("total_slots").GetInt32());
        Assert.Equal("sim:info?tps=1000", props.GetProperty("model_path").GetString());
        Assert.True(props.GetProperty("synthetic").GetBoolean());
        Assert.Equal(1000, props.GetProperty("tokens_per_second").GetDouble());
        Assert.Contains("synthetic", props.GetProperty("engine_version").GetString());
        Assert.StartsWith("llorch-engine/", props.GetProperty("engine_version").GetString());
        Assert.Contains("synthetic", props.GetProperty("build_info").GetString());
        var settings = props.GetProperty("default_generation_settings");
        Assert.Equal(1000, settings.GetProperty("n_ctx").GetInt32());
        var defaults = settings.GetProperty("params");
        Assert.Equal(-1, defaults.GetProperty("n_predict").GetInt32());
        Assert.Equal(0.8, defaults.GetProperty("temperature").GetDouble());
        Assert.Equal(40, defaults.GetProperty("top_k").GetInt32());
        Assert.Equal(0.95, defaults.GetProperty("top_p").GetDouble());
        Assert.Equal(0.05, defaults.GetProperty("min_p").GetDouble());
        Assert.Equal(1.0, defaults.GetProperty("repeat_penalty").GetDouble());
        Assert.Equal(4294967295, defaults.GetProperty("seed").GetInt64());
    }

    [Fact]
    public async Task Slots_list_every_slot_with_its_context()
    {
        var slots = (await _http.GetJsonAsync("/slots")).EnumerateArray().ToList();

        Assert.Equal([0, 1, 2], slots.Select(slot => slot.GetProperty("id").GetInt32()));
        Assert.All(slots, slot => Assert.Equal(1000, slot.GetProperty("n_ctx").GetInt32()));
        Assert.All(slots, slot => Assert.False(slot.GetProperty("is_processing").GetBoolean()));
    }

    [Fact]
    public async Task Tokenize_gives_one_token_per_white_space_delimited_piece()
    {
        var (status, reply) = await _http.PostJsonAsync("/tokenize", """{"content":"The  river,\n runs on."}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(4, reply.GetProperty("tokens").GetArrayLength());
    }

    [Fact]
    public async Task Tokenize_without_content_is_a_400()
    {
        var (status, reply) = await _http.PostJsonAsync("/tokenize", """{"text":"x"}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_request_error", reply.GetProperty("error").GetProperty("type").GetString());
    }

    [Theory]
    [InlineData("GET", "/no-such-route")]
    [InlineData("GET", "/v1/models.json")]
    [InlineData("POST", "/health")]
    [InlineData("GET", "/completion")]
    public async Task An_unknown_route_or_a_wrong_method_is_a_404_in_llama_server_shape(string method, string path)
    {
        using var response = await _http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var error = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
        Assert.Equal(404, error.GetProperty("code").GetInt32());
        Assert.Equal("File Not Found", error.GetProperty("message").GetString());
        Assert.Equal("not_found_error", error.GetProperty("type").GetString());
    }

    [Fact]
    public async Task Metrics_count_the_tokens_of_each_completion()
    {
        var text = await _http.GetStringAsync("/metrics");
        foreach (var (name, type) in new[]
                 {
                     ("prompt_tokens_total", "counter"), ("tokens_predicted_total", "counter"),
                     ("requests_processing", "gauge"), ("requests_deferred", "gauge"),
                 })
        {
            Assert.Contains($"# HELP llamacpp:{name} ", text);
            Assert.Contains($"# TYPE llamacpp:{name} {type}\n", text);
        }

        var promptBefore = await _http.GetMetricAsync("llamacpp:prompt_tokens_total");
        var predictedBefore = await _http.GetMetricAsync("llamacpp:tokens_predicted_total");

        await _http.CompleteAsync("""{"prompt":"one two three","n_predict":7}""");

        Assert.Equal(promptBefore + 3, await _http.GetMetricAsync("llamacpp:prompt_tokens_total"));
        Assert.Equal(predictedBefore + 7, await _http.GetMetricAsync("llamacpp:tokens_predicted_total"));
        Assert.Equal(0, await _http.GetMetricAsync("llamacpp:requests_processing"));
        Assert.Equal(0, await _http.GetMetricAsync("llamacpp:requests_deferred"));
        // A synthetic model holds no KV cache, so it reports no figure for one rather than a made-up one.
        Assert.DoesNotContain("llamacpp:kv_cache", await _http.GetStringAsync("/metrics"));
    }
}

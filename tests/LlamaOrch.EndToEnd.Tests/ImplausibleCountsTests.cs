using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace LlamaOrch.EndToEnd.Tests;

/// <summary>
/// An upstream llama.cpp server whose final frame lies about its counts (negative, or past anything asked for): the
/// stream still ends, the client is told counts that can be true, and the session's budget is charged those. A
/// negative count once made the budget's metric throw inside the task's end, which left the stream open for ever
/// and credited the budget.
/// </summary>
public sealed class ImplausibleCountsTests
{
    private const string Model = "hf:example/tiny/tiny.gguf";

    [Theory]
    [InlineData(-5, -5, -50.0, 0, 0)]
    [InlineData(int.MaxValue, int.MaxValue, 1e300, 6, 8)] // "Once" is 4 bytes: at most 6 tokens with the special ones; max_tokens 8
    public async Task Counts_an_engine_cannot_have_are_cut_to_what_it_can_and_charged_so(int evaluated, int predicted, double predictedMs, int tokensIn, int tokensOut)
    {
        var (upstream, url) = await LoopbackApp.StartAsync(app =>
        {
            app.MapGet("/health", () => Results.Text("""{"status":"ok"}""", "application/json"));
            app.MapGet("/props", () => Results.Text("""{"default_generation_settings":{"n_ctx":512},"total_slots":2,"build_info":"b0-liar"}""", "application/json"));
            app.MapPost("/completion", async (HttpContext context) =>
            {
                context.Response.ContentType = "text/event-stream";
                var final = string.Create(CultureInfo.InvariantCulture,
                    $$$"""{"content":"","stop":true,"stop_type":"limit","tokens_evaluated":{{{evaluated}}},"tokens_predicted":{{{predicted}}},"timings":{"predicted_ms":{{{predictedMs}}}}}""");
                await context.Response.WriteAsync($"data: {{\"content\":\"Once\",\"stop\":false}}\n\ndata: {final}\n\n");
            });
        });
        await using var _ = upstream;
        await using var orchestrator = await Orchestrator.StartAsync(
            [.. UpstreamFailureTests.Pool("llamacpp", url), "Budgets:Mode=enforce", "Budgets:Tokens=200"]);
        var task = UpstreamFailureTests.TaskFor("llamacpp");
        var session = task["session_id"]!.GetValue<string>();

        var end = (await orchestrator.StreamAsync((await orchestrator.AdmitAsync(task))["task_id"]!.GetValue<string>()))[^1];

        Assert.Equal("end", end.Event);
        Assert.Equal((tokensIn, tokensOut), (end.Int("tokens_in"), end.Int("tokens_out")));
        Assert.True(end.Data.GetProperty("decode_ms").GetInt64() >= 0);
        var left = (await orchestrator.Http.GetFromJsonAsync<JsonObject>($"/v1/sessions/{session}"))!["tokens_budget_remaining"]!.GetValue<long>();
        Assert.Equal(200 - tokensIn - tokensOut, left);
    }
}

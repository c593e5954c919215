using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace LlamaOrch.Engines.Tests.Upstreams;

/// <summary>
/// A stand-in for a llama.cpp server that can misbehave (a real llorch-engine serves the llama.cpp protocol's good
/// path in the end-to-end tests): <c>/health</c>, <c>/props</c>, <c>/tokenize</c> and <c>/completion</c> streamed as
/// llama-server does (<c>data: {"content":…,"stop":false}</c>, a last event with <c>stop</c> true and the counts).
/// </summary>
internal sealed class LlamaCppStandIn : StandInServer
{
    public static Task<LlamaCppStandIn> StartAsync() => StartAsync(new LlamaCppStandIn());

    protected override void Map(WebApplication app)
    {
        app.MapGet("/health", () => Results.Text("""{"status":"ok"}""", "application/json"));
        app.MapGet("/props", () => Results.Text("""{"default_generation_settings":{"n_ctx":512},"total_slots":2,"build_info":"b0-standin"}""", "application/json"));
        app.MapPost("/tokenize", () => Results.Text("""{"tokens":[1,2,3]}""", "application/json"));
        app.MapPost("/completion", CompleteAsync);
    }

    private async Task CompleteAsync(HttpContext context)
    {
        await ReadBodyAsync(context);
        BeginEvents(context);
        await SendAsync(context, """{"content":"Once","stop":false}""");
        if (await MisbehaveAsync(context)) return;
        await SendAsync(context, """{"content":" upon","stop":false}""");
        await SendAsync(context, """{"content":"","stop":true,"stop_type":"limit","tokens_evaluated":3,"tokens_predicted":2,"timings":{"predicted_ms":1.0}}""");
    }
}

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace LlamaOrch.Engines.Tests.Upstreams;

/// <summary>
/// A stand-in for text-generation-inference, answering its documented wire format: <c>/generate_stream</c> as SSE
/// events of one token each (<c>details</c> with <c>finish_reason</c> and <c>generated_tokens</c> on the last),
/// <c>/health</c> and <c>/info</c>; or misbehaving on demand.
/// </summary>
internal sealed class TgiStandIn : StandInServer
{
    public static Task<TgiStandIn> StartAsync() => StartAsync(new TgiStandIn());

    protected override void Map(WebApplication app)
    {
        app.MapGet("/health", () => Results.Ok());
        app.MapGet("/info", () => Results.Text("""{"model_id":"tiny-tgi","version":"2.4.0","max_input_tokens":1024,"max_total_tokens":2048,"max_concurrent_requests":128}""", "application/json"));
        app.MapPost("/generate_stream", GenerateAsync);
    }

    private async Task GenerateAsync(HttpContext context)
    {
        await ReadBodyAsync(context);
        BeginEvents(context);
        await SendAsync(context, """{"index":1,"token":{"id":9038,"text":"Once","logprob":-0.5,"special":false},"generated_text":null,"details":null}""", "data:");
        if (await MisbehaveAsync(context, "data:")) return;
        await SendAsync(context, """{"index":2,"token":{"id":2501,"text":" upon","logprob":-0.2,"special":false},"generated_text":null,"details":null}""", "data:");
        await SendAsync(context, """{"index":3,"token":{"id":2,"text":"</s>","logprob":-0.1,"special":true},"generated_text":"Once upon","details":{"finish_reason":"eos_token","generated_tokens":3,"seed":7,"input_length":4}}""", "data:");
    }
}

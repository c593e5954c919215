using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlamaOrch.Engines.Tests.Upstreams;

/// <summary>
/// A Kestrel stand-in on 127.0.0.1 for text-generation-inference, answering its documented wire format:
/// <c>/generate_stream</c> as SSE events of one token each (<c>details</c> with <c>finish_reason</c> and
/// <c>generated_tokens</c> on the last), <c>/health</c> and <c>/info</c>; or closing the stream early.
/// </summary>
internal sealed class TgiStandIn : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TgiStandIn(WebApplication app) => _app = app;

    public bool ClosesEarly { get; set; }

    public Uri Url { get; private set; } = null!;

    public List<string> Bodies { get; } = [];

    public static async Task<TgiStandIn> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var standIn = new TgiStandIn(app);
        app.MapGet("/health", () => Results.Ok());
        app.MapGet("/info", () => Results.Text("""{"model_id":"tiny-tgi","version":"2.4.0","max_input_tokens":1024,"max_total_tokens":2048,"max_concurrent_requests":128}""", "application/json"));
        app.MapPost("/generate_stream", standIn.GenerateAsync);
        await app.StartAsync();
        standIn.Url = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return standIn;
    }

    private async Task GenerateAsync(HttpContext context)
    {
        using (var reader = new StreamReader(context.Request.Body, Encoding.UTF8))
        {
            var body = await reader.ReadToEndAsync();
            lock (Bodies) Bodies.Add(body);
        }
        context.Response.ContentType = "text/event-stream";
        async Task Send(string data)
        {
            await context.Response.WriteAsync($"data:{data}\n\n");
            await context.Response.Body.FlushAsync();
        }
        await Send("""{"index":1,"token":{"id":9038,"text":"Once","logprob":-0.5,"special":false},"generated_text":null,"details":null}""");
        if (ClosesEarly) return;
        await Send("""{"index":2,"token":{"id":2501,"text":" upon","logprob":-0.2,"special":false},"generated_text":null,"details":null}""");
        await Send("""{"index":3,"token":{"id":2,"text":"</s>","logprob":-0.1,"special":true},"generated_text":"Once upon","details":{"finish_reason":"eos_token","generated_tokens":3,"seed":7,"input_length":4}}""");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

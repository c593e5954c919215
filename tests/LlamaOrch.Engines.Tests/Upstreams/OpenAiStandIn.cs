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
/// A Kestrel stand-in on 127.0.0.1 for an OpenAI-compatible server, answering OpenAI's documented streaming format
/// for <c>/v1/completions</c> (chunks of <c>choices[].text</c>, a last chunk with <c>usage</c> when
/// <c>stream_options.include_usage</c> is set, then <c>data: [DONE]</c>), <c>/v1/embeddings</c> and <c>/v1/models</c>;
/// or misbehaving on demand.
/// </summary>
internal sealed class OpenAiStandIn : IAsyncDisposable
{
    private readonly WebApplication _app;

    private OpenAiStandIn(WebApplication app) => _app = app;

    public enum Behaviour { Documented, Garbage, ClosesEarly, Stalls }

    public Behaviour Mode { get; set; }

    public Uri Url { get; private set; } = null!;

    public List<string> CompletionBodies { get; } = [];

    /// <summary>Set when a stalled stream's request was closed by the client.</summary>
    public TaskCompletionSource Aborted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <param name="certificate">Serve https with this certificate; null for http.</param>
    public static async Task<OpenAiStandIn> StartAsync(System.Security.Cryptography.X509Certificates.X509Certificate2? certificate = null)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(System.Net.IPAddress.Loopback, 0, listen =>
        {
            if (certificate is not null) listen.UseHttps(certificate);
        }));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var standIn = new OpenAiStandIn(app);
        app.MapGet("/v1/models", () => Results.Text("""{"object":"list","data":[{"id":"tiny","object":"model","owned_by":"vllm","max_model_len":2048}]}""", "application/json"));
        app.MapPost("/v1/embeddings", () => Results.Text(
            """{"object":"list","data":[{"object":"embedding","index":1,"embedding":[0.0,1.0]},{"object":"embedding","index":0,"embedding":[1.0,0.0]}],"model":"tiny","usage":{"prompt_tokens":4,"total_tokens":4}}""",
            "application/json"));
        app.MapPost("/v1/completions", standIn.CompleteAsync);
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        standIn.Url = new Uri($"{(certificate is null ? "http" : "https")}://127.0.0.1:{address.Port}");
        return standIn;
    }

    private async Task CompleteAsync(HttpContext context)
    {
        using (var reader = new StreamReader(context.Request.Body, Encoding.UTF8))
        {
            var body = await reader.ReadToEndAsync();
            lock (CompletionBodies) CompletionBodies.Add(body);
        }
        context.Response.ContentType = "text/event-stream";
        async Task Send(string data)
        {
            await context.Response.WriteAsync($"data: {data}\n\n");
            await context.Response.Body.FlushAsync();
        }

        await Send("""{"id":"cmpl-1","object":"text_completion","created":1,"model":"tiny","choices":[{"index":0,"text":"Once","logprobs":null,"finish_reason":null}]}""");
        switch (Mode)
        {
            case Behaviour.Garbage:
                await Send("<html>502 Bad Gateway</html>");
                return;
            case Behaviour.ClosesEarly:
                return;
            case Behaviour.Stalls:
                try
                {
                    await Task.Delay(Timeout.Infinite, context.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    Aborted.TrySetResult();
                }
                return;
        }
        await Send("""{"id":"cmpl-1","object":"text_completion","created":1,"model":"tiny","choices":[{"index":0,"text":" upon","logprobs":null,"finish_reason":"length"}]}""");
        await Send("""{"id":"cmpl-1","object":"text_completion","created":1,"model":"tiny","choices":[],"usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}}""");
        await Send("[DONE]");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

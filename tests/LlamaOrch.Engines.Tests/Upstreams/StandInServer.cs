using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlamaOrch.Engines.Tests.Upstreams;

/// <summary>How a stand-in answers a streamed request after its first event.</summary>
internal enum StandInBehaviour
{
    /// <summary>The protocol's documented stream, to its end.</summary>
    Documented,

    /// <summary>A <c>data:</c> line that is not the protocol's JSON (a proxy's HTML error page), then the end.</summary>
    Garbage,

    /// <summary>A clean end of the response without the protocol's last event (no <c>[DONE]</c>, no details, no final frame).</summary>
    EndsEarly,

    /// <summary>The connection is cut mid-response (no end of the chunked body).</summary>
    Drops,

    /// <summary>Holds the response open and sends nothing more until the client closes the request.</summary>
    Stalls,
}

/// <summary>
/// What the 127.0.0.1 stand-ins for servers we do not start (llama.cpp, OpenAI-compatible, TGI, Triton) share: a
/// Kestrel app on a free loopback port (https with a given certificate), the request bodies received, SSE writing,
/// and the misbehaviours of <see cref="StandInBehaviour"/>. Each protocol's stand-in maps its own documented routes.
/// </summary>
internal abstract class StandInServer : IAsyncDisposable
{
    private WebApplication? _app;

    public StandInBehaviour Mode { get; set; }

    /// <summary>When set, answers every request in place of the protocol's routes (<see cref="BadAnswers"/>).</summary>
    public Func<HttpContext, Task>? Answer { get; set; }

    public Uri Url { get; private set; } = null!;

    /// <summary>The bodies of the streamed requests, in order.</summary>
    public List<string> Bodies { get; } = [];

    /// <summary>Set when a stalled stream's request was closed by the client.</summary>
    public TaskCompletionSource Aborted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Requests whose streams were held open (<see cref="StandInBehaviour.Stalls"/>).</summary>
    public int Stalled => Volatile.Read(ref _stalled);

    private int _stalled;

    /// <summary>The stand-in of a protocol by its configuration name (llamacpp, openai, tgi, triton).</summary>
    public static async Task<StandInServer> StartAsync(string protocol) => protocol switch
    {
        "llamacpp" => await LlamaCppStandIn.StartAsync(),
        "openai" => await OpenAiStandIn.StartAsync(),
        "tgi" => await TgiStandIn.StartAsync(),
        "triton" => await TritonStandIn.StartAsync(),
        _ => throw new ArgumentOutOfRangeException(nameof(protocol), protocol, "no stand-in for this protocol"),
    };

    protected static async Task<T> StartAsync<T>(T standIn, X509Certificate2? certificate = null) where T : StandInServer
    {
        var builder = WebApplication.CreateBuilder(); // not the slim one: https needs the full Kestrel set-up
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(System.Net.IPAddress.Loopback, 0, listen =>
        {
            if (certificate is not null) listen.UseHttps(certificate);
        }));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.Use((context, next) => standIn.Answer is { } answer ? answer(context) : next(context));
        standIn.Map(app);
        await app.StartAsync();
        standIn._app = app;
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        standIn.Url = new Uri($"{(certificate is null ? "http" : "https")}://127.0.0.1:{address.Port}");
        return standIn;
    }

    /// <summary>Maps the protocol's routes.</summary>
    protected abstract void Map(WebApplication app);

    /// <summary>Reads and records a streamed request's body.</summary>
    protected async Task<string> ReadBodyAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        lock (Bodies) Bodies.Add(body);
        return body;
    }

    /// <summary>Starts an SSE response.</summary>
    protected static void BeginEvents(HttpContext context) => context.Response.ContentType = "text/event-stream";

    /// <summary>Sends one SSE event and flushes it.</summary>
    protected static async Task SendAsync(HttpContext context, string data, string prefix = "data: ")
    {
        await context.Response.WriteAsync($"{prefix}{data}\n\n");
        await context.Response.Body.FlushAsync();
    }

    /// <summary>Misbehaves as <see cref="Mode"/> says; false when the documented stream is to go on.</summary>
    protected async Task<bool> MisbehaveAsync(HttpContext context, string prefix = "data: ")
    {
        switch (Mode)
        {
            case StandInBehaviour.Garbage:
                await SendAsync(context, "<html>502 Bad Gateway</html>", prefix);
                return true;
            case StandInBehaviour.EndsEarly:
                return true;
            case StandInBehaviour.Drops:
                context.Abort();
                return true;
            case StandInBehaviour.Stalls:
                Interlocked.Increment(ref _stalled);
                try
                {
                    await Task.Delay(Timeout.Infinite, context.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    Aborted.TrySetResult();
                }
                return true;
            default:
                return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is null) return;
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

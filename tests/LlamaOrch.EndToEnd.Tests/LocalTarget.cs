using System.Text;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace LlamaOrch.EndToEnd.Tests;

/// <summary>A small HTTP server on 127.0.0.1 for the tool tests to fetch: it echoes, leaks secrets, redirects, answers big, binary or never.</summary>
internal sealed class LocalTarget : IAsyncDisposable
{
    /// <summary>The key at the start of <c>/multibyte</c>'s answer, which goes on in two-byte characters.</summary>
    public const string MultibyteKey = "sk-ant-abcdefghijklmnopqrstuvwx";

    private readonly WebApplication _app;

    private LocalTarget(WebApplication app, int port, ChannelReader<string> held)
    {
        _app = app;
        Port = port;
        Held = held;
    }

    public int Port { get; }

    /// <summary>The body of each request <c>/hold</c> received, once it is read: the request reached the target, which then never answers.</summary>
    public ChannelReader<string> Held { get; }

    public string Url(string path) => $"http://127.0.0.1:{Port}{path}";

    public static async Task<LocalTarget> StartAsync()
    {
        var held = Channel.CreateUnbounded<string>();
        var (app, address) = await LoopbackApp.StartAsync(app =>
        {
        app.MapGet("/hello", (HttpContext context) =>
        {
            context.Response.Headers["X-Seen-Auth"] = context.Request.Headers.Authorization.ToString();
            return Results.Text("hello from the target");
        });
        app.MapPost("/echo", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            return Results.Text($"{context.Request.ContentType}|{await reader.ReadToEndAsync()}");
        });
        app.MapGet("/leak", (HttpContext context) =>
        {
            context.Response.Headers["X-Api-Key"] = "sk-ant-api03-abcdefghijklmnopqrstuvwxyz";
            return Results.Text("deploy key ghp_0123456789abcdefghijklmnopqrstuvwxyz and internal-4242");
        });
        app.MapGet("/redirect", (string to) => Results.Redirect(to));
        app.MapGet("/big", () => Results.Text(new string('x', 10_000)));
        app.MapGet("/binary", () => Results.Bytes([0xFF, 0xFE, 0x00, 0x80]));
        app.MapGet("/slow", async (HttpContext context) => await Task.Delay(Timeout.Infinite, context.RequestAborted));
        app.MapPost("/hold", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            held.Writer.TryWrite(await reader.ReadToEndAsync());
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        });
        // "key: <key> " is 37 bytes, then 'é' (two bytes) repeated: a limit of 1000 falls inside the 482nd.
        app.MapGet("/multibyte", () => Results.Bytes(Encoding.UTF8.GetBytes($"key: {MultibyteKey} " + new string('\u00e9', 2000)), "text/plain; charset=utf-8"));
        });
        return new LocalTarget(app, address.Port, held.Reader);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}

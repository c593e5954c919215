using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlamaOrch.Engines.Tests.Models;

/// <summary>
/// A real Kestrel server on 127.0.0.1:0 that serves files with single open-ended Range requests
/// (<c>bytes=N-</c>) and If-Range, and can misbehave on demand: ignore ranges, hold bodies back, or drop
/// the connection in the middle of a body.
/// </summary>
internal sealed class LoopbackModelServer : IAsyncDisposable
{
    public const string ETag = "\"v1\"";

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, byte[]> _files = new(StringComparer.Ordinal);
    private long _dropAfter = -1;
    private Task _dropWhen = Task.CompletedTask;

    private LoopbackModelServer(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Every request in arrival order.</summary>
    public ConcurrentQueue<SeenRequest> Requests { get; } = new();

    /// <summary>Answer every request with 200 and the whole file, as some servers do.</summary>
    public bool IgnoreRange { get; set; }

    /// <summary>Bodies wait for this (after the headers) before their first byte, to hold a download in flight.</summary>
    public Task BodyGate { get; set; } = Task.CompletedTask;

    public static async Task<LoopbackModelServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new LoopbackModelServer(app);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        server.BaseAddress = new Uri(address);
        return server;
    }

    public void Serve(string path, byte[] content) => _files[path] = content;

    /// <summary>The next body stops after <paramref name="bytes"/> bytes: once <paramref name="when"/>
    /// completes (the client has them), the connection is aborted.</summary>
    public void DropOnceAfter(long bytes, Task when)
    {
        _dropWhen = when;
        Interlocked.Exchange(ref _dropAfter, bytes);
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var rangeHeader = request.Headers.Range.ToString();
        var ifRange = request.Headers.IfRange.ToString();
        Requests.Enqueue(new SeenRequest(request.Path.Value ?? "", rangeHeader.Length == 0 ? null : rangeHeader, ifRange.Length == 0 ? null : ifRange));

        var response = context.Response;
        if (!_files.TryGetValue(request.Path.Value ?? "", out var content))
        {
            response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        response.Headers.AcceptRanges = "bytes";
        response.Headers.ETag = ETag;
        long start = 0;
        if (!IgnoreRange && (ifRange.Length == 0 || ifRange == ETag)
            && RangeHeaderValue.TryParse(rangeHeader, out var range) && range.Ranges.Count == 1
            && range.Ranges.Single() is { From: { } from, To: null })
        {
            if (from >= content.Length)
            {
                response.StatusCode = StatusCodes.Status416RangeNotSatisfiable;
                response.Headers.ContentRange = $"bytes */{content.Length}";
                return;
            }
            start = from;
            response.StatusCode = StatusCodes.Status206PartialContent;
            response.Headers.ContentRange = $"bytes {from}-{content.Length - 1}/{content.Length}";
        }
        response.ContentLength = content.Length - start;

        // Headers go out first, so a held body is a stalled transfer rather than a server that never answers.
        await response.StartAsync(context.RequestAborted);
        await response.Body.FlushAsync(context.RequestAborted);
        await BodyGate.WaitAsync(context.RequestAborted);
        var dropAfter = Interlocked.Exchange(ref _dropAfter, -1);
        var end = dropAfter >= 0 ? Math.Min(content.Length, start + dropAfter) : content.Length;
        for (var offset = start; offset < end; offset += 64 * 1024)
        {
            var length = (int)Math.Min(64 * 1024, end - offset);
            await response.Body.WriteAsync(content.AsMemory((int)offset, length), context.RequestAborted);
        }
        if (dropAfter >= 0)
        {
            await response.Body.FlushAsync(context.RequestAborted);
            await _dropWhen;
            context.Abort();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    public sealed record SeenRequest(string Path, string? Range, string? IfRange);
}

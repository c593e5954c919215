// engine-hop.cs: what the hop from orchestratord to an engine costs over HTTP/1.1 on TCP (what it uses), HTTP/1.1 on a
// Unix socket, and HTTP/2 without TLS on TCP, in one process and one run, so that each reads as a ratio of the first.
// Run with the .NET 10 SDK: dotnet run -c Release bench/engine-hop/engine-hop.cs -- [STREAMS] [SECONDS] [ROUNDS]
//
// A Kestrel server streams SSE frames the size of llorch-engine's token frame; a 1 ms ticker releases one frame on every
// open stream at once, as a batched decode step does. STREAMS HttpClient readers (default 64) read them for SECONDS (default
// 8) per transport and round (default 3; the transports alternate). Printed per transport: frames/s, the process's CPU
// per frame (server and client together: both ends of the hop), and the time to first frame of 300 sequential
// one-stream requests (the first frame is written as soon as the request arrives). Server and client share one thread
// pool here, unlike orchestratord and its engine; read the ratios, and measure the real path with llorch-bench.
#:sdk Microsoft.NET.Sdk.Web
#:property ServerGarbageCollection=true

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Server.Kestrel.Core;

var streams = args.Length > 0 ? int.Parse(args[0]) : 64;
var seconds = args.Length > 1 ? double.Parse(args[1]) : 8;
var rounds = args.Length > 2 ? int.Parse(args[2]) : 3;
string[] transports = ["http1-tcp", "http1-unix", "http2-tcp"];
var results = transports.ToDictionary(t => t, _ => new List<(double Rate, double CpuUs, double FirstMs)>());

Console.WriteLine($"engine hop: {streams} streams, {seconds} s per transport and round, {rounds} rounds, {Environment.ProcessorCount} cores");
for (var round = 1; round <= rounds; round++)
{
    foreach (var transport in transports)
    {
        var result = await Hop.MeasureAsync(transport, streams, seconds);
        results[transport].Add(result);
        Console.WriteLine($"  round {round} {transport,-10} {result.Rate,9:N0} frames/s  {result.CpuUs,6:F2} µs CPU per frame  first frame p50 {result.FirstMs:F3} ms");
    }
}

var baseline = results[transports[0]];
Console.WriteLine("medians, and ratios to http1-tcp's median:");
foreach (var transport in transports)
{
    var cpu = Median(results[transport].Select(r => r.CpuUs));
    var first = Median(results[transport].Select(r => r.FirstMs));
    Console.WriteLine($"  {transport,-10} {cpu,6:F2} µs CPU per frame ({cpu / Median(baseline.Select(r => r.CpuUs)):F2}x)  " +
                      $"first frame {first:F3} ms ({first / Median(baseline.Select(r => r.FirstMs)):F2}x)");
}

static double Median(IEnumerable<double> values)
{
    var sorted = values.Order().ToArray();
    return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
}

static class Hop
{
    private static readonly byte[] Frame = "data: {\"content\":\" tok\",\"stop\":false,\"id_slot\":0,\"tokens_predicted\":1,\"tokens_evaluated\":5}\n\n"u8.ToArray();

    public static async Task<(double Rate, double CpuUs, double FirstMs)> MeasureAsync(string transport, int streams, double seconds)
    {
        var socketPath = Path.Combine(Path.GetTempPath(), $"engine-hop-{Environment.ProcessId}.sock");
        File.Delete(socketPath);
        var port = FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.Http2.MaxStreamsPerConnection = streams + 32;
            if (transport == "http1-unix") kestrel.ListenUnixSocket(socketPath);
            else kestrel.Listen(IPAddress.Loopback, port, listen => listen.Protocols = transport == "http2-tcp" ? HttpProtocols.Http2 : HttpProtocols.Http1);
        });
        await using var app = builder.Build();
        var ticks = new ConcurrentDictionary<SemaphoreSlim, byte>();
        using var stopTicker = new CancellationTokenSource();
        var ticker = new Thread(() =>
        {
            while (!stopTicker.IsCancellationRequested)
            {
                Thread.Sleep(1);
                foreach (var tick in ticks.Keys) tick.Release();
            }
        }) { IsBackground = true };
        ticker.Start();
        app.MapGet("/stream", async (HttpContext context, int frames) =>
        {
            context.Response.ContentType = "text/event-stream";
            var tick = new SemaphoreSlim(0); // not disposed: the ticker may still release it once after the stream ends
            ticks[tick] = 0;
            try
            {
                for (var i = 0; i < frames && !context.RequestAborted.IsCancellationRequested; i++)
                {
                    if (i > 0) await tick.WaitAsync(context.RequestAborted);
                    await context.Response.Body.WriteAsync(Frame, context.RequestAborted);
                    await context.Response.Body.FlushAsync(context.RequestAborted);
                }
            }
            catch (OperationCanceledException)
            {
            }
            finally
            {
                ticks.TryRemove(tick, out _);
            }
        });
        await app.StartAsync();

        var handler = new SocketsHttpHandler { UseProxy = false, EnableMultipleHttp2Connections = true };
        if (transport == "http1-unix")
        {
            handler.ConnectCallback = async (_, cancel) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancel);
                return new NetworkStream(socket, ownsSocket: true);
            };
        }
        using var http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        var version = transport == "http2-tcp" ? HttpVersion.Version20 : HttpVersion.Version11;
        var baseUri = new Uri(transport == "http1-unix" ? "http://engine.sock/" : $"http://127.0.0.1:{port}/");

        var bytesRead = new long[1];
        async Task<double> ReadAsync(int frames, CancellationToken stop)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(baseUri, $"stream?frames={frames}"))
            {
                Version = version,
                VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            };
            var sent = Stopwatch.GetTimestamp();
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, stop);
            await using var body = await response.Content.ReadAsStreamAsync(stop);
            var buffer = new byte[8192];
            var firstMs = double.NaN;
            try
            {
                int read;
                while ((read = await body.ReadAsync(buffer, stop)) > 0)
                {
                    if (double.IsNaN(firstMs)) firstMs = Stopwatch.GetElapsedTime(sent).TotalMilliseconds;
                    Interlocked.Add(ref bytesRead[0], read);
                }
            }
            catch (OperationCanceledException)
            {
            }
            return firstMs;
        }

        // The time to first frame, one stream at a time (warm-up included: the first 60 are dropped).
        var firsts = new List<double>();
        for (var i = 0; i < 360; i++)
        {
            var firstMs = await ReadAsync(1, CancellationToken.None);
            if (i >= 60) firsts.Add(firstMs);
        }
        firsts.Sort();

        // CPU per frame with every stream open: 2 s to warm up, then the measured window.
        using var stop = new CancellationTokenSource();
        var readers = Enumerable.Range(0, streams).Select(async _ =>
        {
            while (!stop.IsCancellationRequested) await ReadAsync(2_000, stop.Token);
        }).ToArray();
        await Task.Delay(2_000);
        var before = Interlocked.Read(ref bytesRead[0]);
        var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(seconds));
        process.Refresh();
        var cpu = process.TotalProcessorTime - cpuBefore;
        var elapsed = clock.Elapsed.TotalSeconds;
        var frames = (double)(Interlocked.Read(ref bytesRead[0]) - before) / Frame.Length;
        await stop.CancelAsync();
        await Task.WhenAll(readers);
        await stopTicker.CancelAsync();
        await app.StopAsync();
        File.Delete(socketPath);
        return (frames / elapsed, cpu.TotalMicroseconds / frames, firsts[firsts.Count / 2]);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

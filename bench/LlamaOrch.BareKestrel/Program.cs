using System.Diagnostics;
using System.Globalization;
using LlamaOrch.BareKestrel;

// llorch-bare --port P --tps R --tokens N [--engine URL --prompt TEXT --seed S]: fixed answers in the task API's shapes,
// and with --engine a relay with no logic in front of that engine, for llorch-bench to divide by.
var port = 0;
var tps = 1000.0;
var tokens = 128;
Uri? engine = null;
var prompt = "Benchmark: tell a short story about a lighthouse keeper.";
var seed = 7L;
for (var index = 0; index + 1 < args.Length; index += 2)
{
    switch (args[index])
    {
        case "--port": port = int.Parse(args[index + 1], CultureInfo.InvariantCulture); break;
        case "--tps": tps = double.Parse(args[index + 1], CultureInfo.InvariantCulture); break;
        case "--tokens": tokens = int.Parse(args[index + 1], CultureInfo.InvariantCulture); break;
        case "--engine": engine = new Uri(args[index + 1].TrimEnd('/') + "/", UriKind.Absolute); break;
        case "--prompt": prompt = args[index + 1]; break;
        case "--seed": seed = long.Parse(args[index + 1], CultureInfo.InvariantCulture); break;
        default:
            Console.Error.WriteLine($"llorch-bare: unknown option {args[index]}");
            return 2;
    }
}

var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(System.Net.IPAddress.Loopback, port));
var app = builder.Build();
var stream = new FixedStream(tps, tokens);

app.MapGet("/health", () => Results.Text("ok"));
// Submit: the body is read to its end, as any server must, and never looked at.
app.MapPost("/v1/tasks", async context =>
{
    await FixedAnswers.DrainAsync(context.Request);
    if (context.Request.Headers.Accept.ToString().Contains("text/event-stream", StringComparison.OrdinalIgnoreCase))
        await stream.WriteAsync(context, oneRequest: true);
    else await FixedAnswers.AcceptedAsync(context);
});
app.MapGet("/v1/tasks/{id}/stream", context => stream.WriteAsync(context, oneRequest: false));
app.MapPost("/full/v1/tasks", async context =>
{
    await FixedAnswers.DrainAsync(context.Request);
    await FixedAnswers.RejectedAsync(context);
});
// The no-logic relay: the task's body drained, the engine's completion request sent, its SSE copied back unchanged.
if (engine is not null)
{
    var relay = new EngineRelay(engine, prompt, tokens, seed);
    app.MapPost("/relay/v1/tasks", relay.RelayAsync);
}

await app.StartAsync();
Console.WriteLine($"llorch-bare listening on {app.Urls.First()}");
var started = Stopwatch.GetTimestamp();
await app.WaitForShutdownAsync();
Console.Error.WriteLine($"llorch-bare stopped after {Stopwatch.GetElapsedTime(started).TotalSeconds:0} s");
return 0;

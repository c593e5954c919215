using System.Diagnostics;
using System.Globalization;
using LlamaOrch.BareKestrel;

// llorch-bare --port P --tps R --tokens N: fixed answers in the task API's shapes, for llorch-bench to divide by.
var port = 0;
var tps = 1000.0;
var tokens = 128;
for (var index = 0; index + 1 < args.Length; index += 2)
{
    switch (args[index])
    {
        case "--port": port = int.Parse(args[index + 1], CultureInfo.InvariantCulture); break;
        case "--tps": tps = double.Parse(args[index + 1], CultureInfo.InvariantCulture); break;
        case "--tokens": tokens = int.Parse(args[index + 1], CultureInfo.InvariantCulture); break;
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

await app.StartAsync();
Console.WriteLine($"llorch-bare listening on {app.Urls.First()}");
var started = Stopwatch.GetTimestamp();
await app.WaitForShutdownAsync();
Console.Error.WriteLine($"llorch-bare stopped after {Stopwatch.GetElapsedTime(started).TotalSeconds:0} s");
return 0;

using System.Text.Encodings.Web;
using System.Text.Json;
using LlamaOrch.EngineHost.Generation;
using LlamaOrch.EngineHost.Inference;
using LlamaOrch.EngineHost.Protocol;
using LlamaOrch.EngineHost.Simulation;
using LlamaOrch.EngineHost.Slots;
using Microsoft.Extensions.Logging.Console;

namespace LlamaOrch.EngineHost.Hosting;

/// <summary>Composes and runs the engine: Kestrel on the requested address, the slots, the model, the routes.</summary>
internal static class EngineApplication
{
    public const string ListeningLinePrefix = "llorch-engine listening on ";

    // Completions stop on ApplicationStopping by themselves; this bounds whatever else is still open.
    private static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(3);

    public static async Task<int> RunAsync(EngineOptions options, int? parentPid)
    {
        await using var app = Build(options, parentPid);
        try
        {
            await app.StartAsync();
        }
        catch (IOException exception)
        {
            Console.Error.WriteLine(
                $"llorch-engine: cannot listen on {options.ListenAddress}:{options.Port}: {exception.Message}");
            return ExitCodes.StartFailed;
        }

        // The supervisor reads this line for the bound port, which differs from --port when that is 0.
        Console.Out.WriteLine(ListeningLinePrefix + app.Urls.First());

        var time = app.Services.GetRequiredService<TimeProvider>();
        using var model = LoadModel(options, time, out var loadError);
        if (model is null)
        {
            Console.Error.WriteLine($"llorch-engine: cannot load model '{options.ModelRef}': {loadError}");
            return ExitCodes.ModelLoadFailed;
        }
        app.Services.GetRequiredService<ModelHost>().SetLoaded((IEngineModel)model);

        await app.WaitForShutdownAsync();
        return ExitCodes.Success;
    }

    /// <summary>The served model, or null with the loader's reason; disposing it frees native memory.</summary>
    private static IDisposable? LoadModel(EngineOptions options, TimeProvider time, out string? error)
    {
        error = null;
        if (options.Sim is { } sim)
        {
            if (!options.Embedding && !options.Reranking)
            {
                // A synthetic load: the engine serves /health with 503 meanwhile, as while a real model loads.
                if (sim.LoadMs > 0) Thread.Sleep(sim.LoadMs);
                return new SimModel(sim, time);
            }
            error = "a sim: model only completes; --embedding and --reranking need a GGUF model";
            return null;
        }
        if (options.ModelPath is not { } path)
        {
            error = "hf: and https: refs are not resolved by this build of llorch-engine; give a GGUF path";
            return null;
        }
        try
        {
            return LlamaEngineModel.Load(options, path);
        }
        catch (Exception loadError) when (loadError is IOException or UnauthorizedAccessException or LlamaOrch.LlamaCpp.LlamaException
                                              or LlamaOrch.EngineProtocol.Gguf.GgufFormatException or DllNotFoundException or InvalidOperationException)
        {
            error = loadError.Message;
            return null;
        }
    }

    private static WebApplication Build(EngineOptions options, int? parentPid)
    {
        // The command line is ours (llama-server's names), so none of it is handed to ASP.NET configuration.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = [],
            ContentRootPath = AppContext.BaseDirectory,
        });

        // Sends run on the thread that flushes instead of being queued to Kestrel's I/O queues. The thread that hands a
        // decode step's tokens to the handlers then writes each stream's frames to its socket itself: one thread-pool
        // hop per step from the decode thread to the sockets, where a queued send added a work item, a worker's wake
        // and a contended pipe lock per step and stream (bench/README.md, "llorch-engine's CPU beside the decode
        // thread"). Socket completions still arrive on thread-pool threads (the engine does not set
        // DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS), so a handler that computes synchronously (embedding, rerank)
        // holds a worker as before, never the socket event loop.
        builder.WebHost.UseSockets(sockets => sockets.UnsafePreferInlineScheduling = true);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(options.ListenAddress, options.Port);
        });

        // JSON lines on stderr, so that stdout carries only the listening line the supervisor waits for.
        builder.Logging.ClearProviders();
        builder.Logging.AddJsonConsole(console =>
        {
            console.UseUtcTimestamp = true;
            console.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            console.JsonWriterOptions = new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        });
        builder.Services.Configure<ConsoleLoggerOptions>(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddFilter("LlamaOrch.EngineHost", LogLevel.Information);

        EngineTracing.AddIfConfigured(builder.Services, builder.Configuration);
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = ShutdownTimeout);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ModelHost>();
        builder.Services.AddSingleton(new SlotPool(options.Slots, options.ContextPerSlot));
        builder.Services.AddSingleton<PropsEndpoint>();
        builder.Services.AddSingleton<SlotsEndpoint>();
        builder.Services.AddSingleton<MetricsEndpoint>();
        builder.Services.AddSingleton<SlotActionEndpoint>();
        builder.Services.AddSingleton<TokenizeEndpoint>();
        builder.Services.AddSingleton<CompletionEndpoint>();
        builder.Services.AddSingleton<EmbeddingEndpoint>();
        builder.Services.AddSingleton<RerankEndpoint>();
        if (parentPid is { } pid)
        {
            builder.Services.AddSingleton(new ParentProcess(pid));
            builder.Services.AddHostedService<ParentProcessWatcher>();
        }

        var app = builder.Build();
        app.MapEngineEndpoints();
        return app;
    }
}

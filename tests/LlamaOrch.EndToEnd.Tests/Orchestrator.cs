using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using LlamaOrch.Engines.Supervision;
using LlamaOrch.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace LlamaOrch.EndToEnd.Tests;

/// <summary>
/// A real orchestratord (in this process, on 127.0.0.1:0, real Kestrel) with real llorch-engine
/// child processes, and an HTTP client that talks to it with the API token.
/// </summary>
internal sealed class Orchestrator : IAsyncDisposable
{
    public const string Token = "e2e-test-token";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly WebApplication _app;
    private readonly string _dataDir;
    private readonly bool _ownsDataDir;

    private Orchestrator(WebApplication app, string dataDir, bool ownsDataDir, Uri address)
    {
        _app = app;
        _dataDir = dataDir;
        _ownsDataDir = ownsDataDir;
        Address = address;
        Http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = address, Timeout = Patience };
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
    }

    public Uri Address { get; }

    public HttpClient Http { get; }

    public PoolSupervisor Supervisor => _app.Services.GetRequiredService<PoolSupervisor>();

    public IServiceProvider Services => _app.Services;

    /// <summary>Starts orchestratord with extra <c>Orchestrator:</c> settings ("Pools:0:Id=p", or whole arguments
    /// such as "--Logging:LogLevel:X=Debug") and waits until it is ready.</summary>
    public static async System.Threading.Tasks.Task<Orchestrator> StartAsync(params string[] settings) => await StartAsync(true, settings);

    public static System.Threading.Tasks.Task<Orchestrator> StartAsync(bool waitReady, params string[] settings) =>
        StartInAsync(null, waitReady, settings);

    /// <summary>Starts on an existing data folder (kept after dispose), as a restart would; null for a fresh temporary one.</summary>
    public static async System.Threading.Tasks.Task<Orchestrator> StartInAsync(string? existingDataDir, bool waitReady, params string[] settings)
    {
        var dataDir = existingDataDir ?? Directory.CreateTempSubdirectory("llorch-e2e-").FullName;
        var tokenFile = Path.Combine(dataDir, "token");
        await File.WriteAllTextAsync(tokenFile, Token);
        string[] args =
        [
            "--urls=http://127.0.0.1:0",
            $"--Orchestrator:DataDir={dataDir}",
            $"--Orchestrator:Auth:TokenFile={tokenFile}",
            $"--Orchestrator:Models:CacheDir={Path.Combine(dataDir, "models")}",
            "--Orchestrator:Supervisor:RestartBackoffInitialMs=100",
            "--Orchestrator:Tasks:ShutdownGraceSeconds=0", // tests stop with tasks still running: no reason to wait for them
            "--Logging:LogLevel:Default=Warning",
            // "Pools:0:Id=p" is an Orchestrator setting; "--Logging:…" and other "--" arguments go in as they are.
            .. settings.Select(s => s.StartsWith("--", StringComparison.Ordinal) ? s : "--Orchestrator:" + s),
        ];
        var app = await OrchestratorApp.BuildAsync(args);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var orchestrator = new Orchestrator(app, dataDir, existingDataDir is null, new Uri(address));
        if (waitReady) await orchestrator.WaitUntilAsync(h => h["ready"]!.GetValue<bool>());
        return orchestrator;
    }

    /// <summary>Settings for one pool "p" serving <paramref name="model"/>.</summary>
    public static string[] Pool(string model, int slots = 1, int replicas = 1, int capacity = 16, string policy = "reject", int ctx = 512) =>
    [
        "Pools:0:Id=p", $"Pools:0:Model={model}", $"Pools:0:Slots={slots}", $"Pools:0:Replicas={replicas}",
        $"Pools:0:Queue:Capacity={capacity}", $"Pools:0:Queue:Policy={policy}", $"Pools:0:Ctx={ctx}",
    ];

    public async System.Threading.Tasks.Task<JsonObject> HealthAsync() =>
        (await Http.GetFromJsonAsync<JsonObject>("/health"))!;

    public async System.Threading.Tasks.Task WaitUntilAsync(Func<JsonObject, bool> condition)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (!condition(await HealthAsync()))
            await System.Threading.Tasks.Task.Delay(50, timeout.Token);
    }

    public static JsonObject Task(string model, string? prompt = "Once upon a time", int maxTokens = 8, string priority = "interactive", long deadlineMs = 0, int ctx = 256, long? seed = null)
    {
        var body = new JsonObject
        {
            ["task_id"] = Guid.NewGuid().ToString(),
            ["session_id"] = Guid.NewGuid().ToString(),
            ["workload"] = "completion",
            ["model_ref"] = model,
            ["engine"] = "llamacpp",
            ["ctx"] = ctx,
            ["priority"] = priority,
            ["max_tokens"] = maxTokens,
            ["deadline_ms"] = deadlineMs,
        };
        if (prompt is not null) body["prompt"] = prompt;
        if (seed is not null) body["seed"] = seed;
        return body;
    }

    public System.Threading.Tasks.Task<HttpResponseMessage> SubmitAsync(JsonObject body, string? correlationId = null) =>
        PostRawAsync("/v1/tasks", body.ToJsonString(), correlationId);

    public System.Threading.Tasks.Task<HttpResponseMessage> PostRawAsync(string path, string json, string? correlationId = null, string contentType = "application/json")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, contentType) };
        if (correlationId is not null) request.Headers.Add("X-Correlation-Id", correlationId);
        return Http.SendAsync(request);
    }

    /// <summary>Submits and asserts 202; returns the admission body.</summary>
    public async System.Threading.Tasks.Task<JsonObject> AdmitAsync(JsonObject body)
    {
        using var response = await SubmitAsync(body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"expected 202, got {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    public async System.Threading.Tasks.Task<HttpStatusCode> CancelAsync(string id)
    {
        using var response = await Http.PostAsync($"/v1/tasks/{id}/cancel", null);
        return response.StatusCode;
    }

    /// <summary>Reads a task's whole stream (until it closes).</summary>
    public System.Threading.Tasks.Task<List<SseFrame>> StreamAsync(string id) => SseFrame.ReadAllAsync(Http, id);

    /// <summary>Yields a task's frames as they arrive.</summary>
    public IAsyncEnumerable<SseFrame> FollowAsync(string id) => SseFrame.FollowAsync(Http, id);

    public static async System.Threading.Tasks.Task<JsonObject> ErrorOf(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        if (!_ownsDataDir) return;
        try
        {
            Directory.Delete(_dataDir, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp folder left behind is harmless.
        }
    }
}

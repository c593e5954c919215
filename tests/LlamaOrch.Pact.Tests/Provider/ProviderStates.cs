using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using LlamaOrch.EndToEnd.Tests;
using static LlamaOrch.Pact.Tests.Contract.CliPact;

namespace LlamaOrch.Pact.Tests.Provider;

/// <summary>
/// The pact's provider states, each made real against the running orchestratord through its own API (and, for a dead
/// engine, by killing the engine process): a full queue is a queue filled with slow tasks, a drained pool one that was
/// drained, a retired model one whose catalog state was set. Set-ups are idempotent (the verifier sets a state up once
/// per interaction that names it); tear-downs undo what would change the next interaction's provider.
/// </summary>
internal sealed class ProviderStates(ProviderUnderTest provider, Action<string> log)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly ConcurrentDictionary<string, List<string>> _tasksOfState = new();

    private Orchestrator Orchestrator => provider.Orchestrator;

    private HttpClient Http => provider.Orchestrator.Http;

    public void Log(string line) => log(line);

    /// <summary>Sets <paramref name="state"/> up; answers the values the pact injects (<c>${name}</c>), if any.</summary>
    public async Task<JsonObject?> SetUpAsync(string state, JsonObject parameters)
    {
        log($"set up: {state} {parameters.ToJsonString()}");
        switch (state)
        {
            case "":
                return null; // an interaction without states: the verifier calls anyway
            case FastPoolServes:
                await PoolReadyAsync("fast");
                return null;
            case SessionHasBudget:
                await ExpectAsync(HttpStatusCode.OK, Http.PutAsJsonAsync($"/v1/sessions/{Param(parameters, "session_id")}/budget",
                    new JsonObject { ["tokens"] = parameters["tokens"]!.GetValue<long>() }));
                return null;
            case TinyQueueFull:
                await FillQueueAsync(state);
                return null;
            case DrainablePoolDrained:
                await ExpectAsync(HttpStatusCode.Accepted, Http.PostAsJsonAsync($"/v1/pools/{DrainablePool}/drain", new JsonObject { ["deadline_ms"] = 1000 }));
                return null;
            case DrainablePoolAdmits:
                await ResumeAsync(DrainablePool);
                return null;
            case ReloadablePoolServesR:
                await ServeAsync(ReloadablePool, ReloadableModel);
                return null;
            case ModelRetired:
                await RegisterAsync(RetiredModel);
                await ExpectAsync(HttpStatusCode.Accepted, Http.PostAsJsonAsync($"/v1/catalog/models/{RetiredModel}/state",
                    new JsonObject { ["state"] = "Retired", ["deadline_ms"] = 0 }));
                return null;
            case TaskFinished:
                await RunToEndAsync(Param(parameters, "task_id"), sessionId: null);
                return null;
            case TaskRunning:
                await StartAsync(state, Param(parameters, "task_id"), SlowModel);
                return null;
            case TaskEngineDied:
                await BreakEngineUnderAsync(Param(parameters, "task_id"));
                return null;
            case SessionHasRun:
                await RunToEndAsync(Guid.NewGuid().ToString(), Param(parameters, "session_id"));
                return null;
            case NoSuchSession:
                using (var gone = await Http.GetAsync($"/v1/sessions/{UnknownSession}"))
                {
                    if (gone.StatusCode != HttpStatusCode.NotFound) await ExpectAsync(HttpStatusCode.NoContent, Http.DeleteAsync($"/v1/sessions/{UnknownSession}"));
                }
                return null;
            case ModelFileInRoot:
                await UnregisterAsync(Param(parameters, "model_id"));
                return new JsonObject { ["source_url"] = provider.ModelFile(Param(parameters, "model_id")) };
            case CatalogHoldsModel:
                await RegisterAsync(CatalogModel);
                return null;
            case ArtifactStored:
                var stored = await ReadAsync(Http.PostAsJsonAsync("/v1/artifacts", new JsonObject { ["kind"] = "summary", ["content"] = new JsonObject { ["text"] = "done" } }));
                return new JsonObject { ["artifact_id"] = stored["id"]!.GetValue<string>() };
            case ToolCallRefused:
                // Loopback is outside the default policy (no allow list): refused by address class, before any connection.
                await ExpectAsync(HttpStatusCode.Forbidden, Http.PostAsJsonAsync("/v1/tools/http/fetch",
                    new JsonObject { ["method"] = "GET", ["url"] = new Uri(Orchestrator.Address, "/health").ToString() }));
                return null;
            default:
                throw new InvalidOperationException($"no handler for provider state '{state}'");
        }
    }

    public async Task<JsonObject?> TearDownAsync(string state, JsonObject parameters)
    {
        switch (state)
        {
            case TinyQueueFull:
            case TaskRunning:
                if (_tasksOfState.TryRemove(state, out var tasks))
                    foreach (var id in tasks) await Orchestrator.CancelAsync(id);
                break;
            case DrainablePoolDrained:
            case DrainablePoolAdmits:
                await ResumeAsync(DrainablePool);
                break;
            case ReloadablePoolServesR:
                await ServeAsync(ReloadablePool, ReloadableModel);
                break;
            case ModelRetired:
                await ExpectAsync(HttpStatusCode.Accepted, Http.PostAsJsonAsync($"/v1/catalog/models/{RetiredModel}/state", new JsonObject { ["state"] = "Active" }));
                await PoolReadyAsync(StoriesPool);
                break;
            case TaskEngineDied:
                await PoolReadyAsync(FragilePool);
                break;
        }
        return null;
    }

    /// <summary>tiny has one slot and a queue of one: a task running in the slot and one waiting fill it.</summary>
    private async Task FillQueueAsync(string state)
    {
        var running = await StartAsync(state, Guid.NewGuid().ToString(), TinyModel);
        var waiting = Orchestrator.Task(TinyModel, maxTokens: 300, ctx: 512);
        var admitted = await Orchestrator.AdmitAsync(waiting);
        Remember(state, admitted["task_id"]!.GetValue<string>());
        if (admitted["queue_position"]!.GetValue<int>() != 0)
            throw new InvalidOperationException($"the waiting task is at queue position {admitted["queue_position"]} behind {running}, not first");
    }

    /// <summary>Submits a long task and returns once its <c>started</c> frame says it holds a slot.</summary>
    private async Task<string> StartAsync(string state, string taskId, string model)
    {
        var body = Orchestrator.Task(model, maxTokens: 300, ctx: 512);
        body["task_id"] = taskId;
        await Orchestrator.AdmitAsync(body);
        Remember(state, taskId);
        await foreach (var frame in Orchestrator.FollowAsync(taskId))
        {
            if (frame.Event == "started") return taskId;
            if (frame.Event is "end" or "error") throw new InvalidOperationException($"task {taskId} ended before the state was made: {frame.Data}");
        }
        throw new InvalidOperationException($"the stream of task {taskId} closed before it started");
    }

    /// <summary>Runs a task on fragile and kills the engine process of the replica it started on at its first token: the task fails WORKER_RESET.</summary>
    private async Task BreakEngineUnderAsync(string taskId)
    {
        await PoolReadyAsync(FragilePool);
        var body = Orchestrator.Task(FragileModel, maxTokens: 300, ctx: 512, seed: 42);
        body["task_id"] = taskId;
        await Orchestrator.AdmitAsync(body);
        string? replica = null;
        await foreach (var frame in Orchestrator.FollowAsync(taskId))
        {
            if (frame.Event == "started") replica = frame.Str("replica_id");
            else if (frame.Event == "token" && frame.Int("i") == 0)
            {
                var pid = Orchestrator.Supervisor.EngineProcessId(replica!)
                          ?? throw new InvalidOperationException($"no engine process runs replica {replica}");
                Process.GetProcessById(pid).Kill();
            }
            else if (frame.Event == "error") return;
            else if (frame.Event == "end") throw new InvalidOperationException($"task {taskId} finished although its engine was killed");
        }
        throw new InvalidOperationException($"the stream of task {taskId} closed without its error frame");
    }

    private async Task RunToEndAsync(string taskId, string? sessionId)
    {
        var body = Orchestrator.Task(FastModel, maxTokens: 8, seed: 42);
        body["task_id"] = taskId;
        if (sessionId is not null) body["session_id"] = sessionId;
        await Orchestrator.AdmitAsync(body);
        var frames = await Orchestrator.StreamAsync(taskId);
        if (frames[^1].Event != "end") throw new InvalidOperationException($"task {taskId} ended with {frames[^1].Event}: {frames[^1].Data}");
    }

    /// <summary>The catalog holds <paramref name="modelId"/> (its file the copy named after it), Active.</summary>
    private async Task RegisterAsync(string modelId)
    {
        using var existing = await Http.GetAsync($"/v1/catalog/models/{modelId}");
        if (existing.StatusCode == HttpStatusCode.NotFound)
        {
            await ExpectAsync(HttpStatusCode.Created, Http.PostAsJsonAsync("/v1/catalog/models",
                new JsonObject { ["id"] = modelId, ["source_url"] = provider.ModelFile(modelId), ["tags"] = new JsonArray("pact") }));
            return;
        }
        var model = JsonNode.Parse(await existing.Content.ReadAsStringAsync())!;
        if (model["state"]!.GetValue<string>() != "Active")
            await ExpectAsync(HttpStatusCode.Accepted, Http.PostAsJsonAsync($"/v1/catalog/models/{modelId}/state", new JsonObject { ["state"] = "Active" }));
    }

    private async Task UnregisterAsync(string modelId)
    {
        using var response = await Http.DeleteAsync($"/v1/catalog/models/{modelId}");
        if (response.StatusCode is not (HttpStatusCode.NoContent or HttpStatusCode.NotFound))
            throw new InvalidOperationException($"DELETE /v1/catalog/models/{modelId}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private async Task ResumeAsync(string poolId)
    {
        await ExpectAsync(HttpStatusCode.Accepted, Http.PostAsync($"/v1/pools/{poolId}/resume", null));
        await PoolReadyAsync(poolId);
    }

    /// <summary>The pool serves <paramref name="model"/> and is ready (reloading it back when an interaction moved it).</summary>
    private async Task ServeAsync(string poolId, string model)
    {
        var health = await ReadAsync(Http.GetAsync($"/v1/pools/{poolId}/health"));
        if (health["model"]!.GetValue<string>() != model)
            await ExpectAsync(HttpStatusCode.Accepted, Http.PostAsJsonAsync($"/v1/pools/{poolId}/reload", new JsonObject { ["new_model_ref"] = model }));
        await WaitAsync(async () =>
        {
            var now = await ReadAsync(Http.GetAsync($"/v1/pools/{poolId}/health"));
            return now["model"]!.GetValue<string>() == model && now["ready"]!.GetValue<bool>();
        }, $"pool {poolId} to serve {model}");
    }

    private Task PoolReadyAsync(string poolId) =>
        WaitAsync(async () => (await ReadAsync(Http.GetAsync($"/v1/pools/{poolId}/health")))["ready"]!.GetValue<bool>(), $"pool {poolId} to be ready");

    private void Remember(string state, string taskId) => _tasksOfState.AddOrUpdate(state, _ => [taskId], (_, list) => [.. list, taskId]);

    private static string Param(JsonObject parameters, string name) =>
        parameters[name]?.GetValue<string>() ?? throw new InvalidOperationException($"the state needs the parameter '{name}'");

    private static async Task WaitAsync(Func<Task<bool>> condition, string what)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (!await condition())
        {
            try
            {
                await Task.Delay(50, timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"waited {Patience.TotalSeconds:0} s for {what}");
            }
        }
    }

    private static async Task ExpectAsync(HttpStatusCode status, Task<HttpResponseMessage> call)
    {
        using var response = await call;
        if (response.StatusCode != status)
            throw new InvalidOperationException($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.PathAndQuery}: expected {(int)status}, got {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private static async Task<JsonObject> ReadAsync(Task<HttpResponseMessage> call)
    {
        using var response = await call;
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.PathAndQuery}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!.AsObject();
    }
}

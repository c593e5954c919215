using System.Text.Json.Nodes;
using LlamaOrch.Bdd.Runner;
using LlamaOrch.Bdd.Target;

namespace LlamaOrch.Bdd.Steps;

/// <summary>
/// Tasks on the runner's pools (<see cref="OrchestratordProcess.Pools"/>): submitting, streaming, cancelling,
/// and filling a pool's queue. Every task a scenario submits is cancelled when the scenario ends, so a slow
/// one never holds a slot into the next scenario.
/// </summary>
internal sealed class TaskSteps(ScenarioContext context) : IAsyncDisposable
{
    private readonly ApiWorld _world = context.Get<ApiWorld>();
    private readonly List<string> _submitted = [];

    [Step(@"I submit a task to pool ""([^""]+)"" with max_tokens (\d+)")]
    public Task Submit(string pool, int maxTokens) => SubmitAsync(pool, maxTokens, null, null);

    [Step(@"I submit a task to pool ""([^""]+)"" with max_tokens (\d+) in session ""([^""]+)""")]
    public Task SubmitInSession(string pool, int maxTokens, string session) => SubmitAsync(pool, maxTokens, null, session);

    [Step(@"I submit an? ""(interactive|batch)"" task to pool ""([^""]+)"" with max_tokens (\d+)")]
    public Task SubmitWithPriority(string priority, string pool, int maxTokens) => SubmitAsync(pool, maxTokens, priority, null);

    [Step(@"I submit a task to pool ""([^""]+)"" with max_tokens (\d+) as ""([A-Za-z_][A-Za-z0-9_]*)""")]
    public async Task SubmitAs(string pool, int maxTokens, string name)
    {
        await SubmitAsync(pool, maxTokens, null, null);
        Expect202();
        _world.Remembered[name] = JsonPath.Text(JsonPath.Get(_world.Json, "task_id"));
    }

    [Step(@"I submit an? ""(interactive|batch)"" task to pool ""([^""]+)"" with max_tokens (\d+) as ""([A-Za-z_][A-Za-z0-9_]*)""")]
    public async Task SubmitWithPriorityAs(string priority, string pool, int maxTokens, string name)
    {
        await SubmitAsync(pool, maxTokens, priority, null);
        Expect202();
        _world.Remembered[name] = JsonPath.Text(JsonPath.Get(_world.Json, "task_id"));
    }

    [Step(@"I submit a task to pool ""([^""]+)"" with max_tokens (\d+) and the prompt ""([^""]*)""")]
    public Task SubmitPrompt(string pool, int maxTokens, string prompt) =>
        SubmitBodyAsync(new JsonObject { ["prompt"] = prompt, ["model_ref"] = ModelOf(pool), ["max_tokens"] = maxTokens });

    [Step(@"I submit a task to pool ""([^""]+)"" with max_tokens (\d+), the prompt ""([^""]*)"" and a transcript")]
    public async Task SubmitPromptWithTranscript(string pool, int maxTokens, string prompt)
    {
        await SubmitBodyAsync(new JsonObject { ["prompt"] = prompt, ["model_ref"] = ModelOf(pool), ["max_tokens"] = maxTokens, ["transcript"] = true });
        Expect202();
    }

    [Step(@"I submit a strict task to pool ""([^""]+)"" with max_tokens (\d+), seed (\d+) and a transcript")]
    public async Task SubmitStrictWithTranscript(string pool, int maxTokens, long seed)
    {
        await SubmitBodyAsync(new JsonObject
        {
            ["prompt"] = "Once upon a time", ["model_ref"] = ModelOf(pool), ["max_tokens"] = maxTokens, ["seed"] = seed,
            ["determinism"] = "strict", ["transcript"] = true,
        });
        Expect202();
    }

    [Step(@"I submit a task to pool ""([^""]+)"" with max_tokens (\d+) asking for its stream")]
    public async Task SubmitAndStream(string pool, int maxTokens)
    {
        var body = new JsonObject { ["prompt"] = "Once upon a time", ["model_ref"] = ModelOf(pool), ["max_tokens"] = maxTokens };
        await _world.SendForStreamAsync(HttpMethod.Post, "/v1/tasks", body.ToJsonString(), "text/event-stream");
        if (_world.LastResponse.Headers.TryGetValues("X-Task-Id", out var ids)) _submitted.Add(ids.First());
    }

    [Step(@"I remember the ""([a-z_]+)"" frame's ""([^""]+)"" as ""([A-Za-z_][A-Za-z0-9_]*)""")]
    public void RememberFrameField(string name, string path, string as_)
    {
        var frame = _world.Frames.LastOrDefault(f => f.Event == name) ?? throw new StepFailedException($"no {name} frame: {Names()}");
        _world.Remembered[as_] = JsonPath.Text(JsonPath.Get(frame.Json, path));
    }

    [Step(@"the tasks ""([^""]+)"" started in that order")]
    public async Task StartedInOrder(string names)
    {
        var order = new List<(string Name, long Seq)>();
        foreach (var name in names.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            await _world.StreamAsync($"/v1/tasks/{{{name}}}/stream");
            var started = _world.Frames.FirstOrDefault(f => f.Event == "started") ?? throw new StepFailedException($"task {name} never started: {Names()}");
            order.Add((name, (long?)started.Json?["dispatch_seq"] ?? throw new StepFailedException($"the started frame of {name} has no dispatch_seq: {started.Data}")));
        }
        var actual = string.Join(", ", order.OrderBy(o => o.Seq).Select(o => o.Name));
        if (actual != string.Join(", ", order.Select(o => o.Name)))
            throw new StepFailedException($"dispatched in the order {actual} ({string.Join(", ", order.Select(o => $"{o.Name}={o.Seq}"))})");
    }

    [Step(@"I submit a task to pool ""([^""]+)"" with max_tokens (\d+) and seed (\d+)")]
    public async Task SubmitWithSeed(string pool, int maxTokens, long seed)
    {
        var body = new JsonObject { ["prompt"] = "Once upon a time", ["model_ref"] = ModelOf(pool), ["max_tokens"] = maxTokens, ["seed"] = seed };
        await _world.SendAsync(HttpMethod.Post, "/v1/tasks", body.ToJsonString());
        Expect202();
        var id = JsonPath.Text(JsonPath.Get(_world.Json, "task_id"));
        _submitted.Add(id);
        _world.Remembered["task"] = id;
    }

    [Step(@"I remember the streamed text as ""([A-Za-z_][A-Za-z0-9_]*)""")]
    public void RememberText(string name) => _world.Remembered[name] = StreamedText();

    [Step(@"the streamed text is the one remembered as ""([A-Za-z_][A-Za-z0-9_]*)""")]
    public void SameText(string name)
    {
        var expected = _world.Remembered.TryGetValue(name, out var text) ? text : throw new StepFailedException($"nothing remembered as {name}");
        if (StreamedText() != expected) throw new StepFailedException($"streamed \"{StreamedText()}\", expected \"{expected}\"");
    }

    [Step(@"the streamed text is not empty")]
    public void SomeText()
    {
        if (StreamedText().Trim().Length == 0) throw new StepFailedException($"no text streamed: {Names()}");
    }

    [Step(@"pool ""([^""]+)"" is running one long task")]
    public async Task Occupy(string pool)
    {
        await SubmitAs(pool, 400, "running");
        await WaitStartedAsync(_world.Remembered["running"]);
    }

    [Step(@"pool ""([^""]+)"" is running one long task and queues another")]
    public async Task FillPool(string pool)
    {
        // tight: one slot, a queue of one. The first task must have left the queue for the slot before the
        // second comes, or the second would find the queue full.
        await Occupy(pool);
        await SubmitAs(pool, 400, "queued");
    }

    [Step(@"I stream the task(?: ""([A-Za-z_][A-Za-z0-9_]*)"")?")]
    public Task Stream(string name) => _world.StreamAsync($"/v1/tasks/{{{(name.Length == 0 ? "task" : name)}}}/stream");

    [Step(@"I cancel the task(?: ""([A-Za-z_][A-Za-z0-9_]*)"")?")]
    public Task Cancel(string name) => _world.SendAsync(HttpMethod.Post, $"/v1/tasks/{{{(name.Length == 0 ? "task" : name)}}}/cancel");

    [Step(@"the first frame is ""([a-z_]+)""")]
    public void FirstFrame(string name)
    {
        if (_world.Frames.Count == 0 || _world.Frames[0].Event != name) throw new StepFailedException($"the first frame is not {name}: {Names()}");
    }

    [Step(@"the last frame is ""([a-z_]+)""")]
    public void LastFrame(string name)
    {
        if (_world.Frames.Count == 0 || _world.Frames[^1].Event != name) throw new StepFailedException($"the last frame is not {name}: {Names()}");
    }

    [Step(@"there are (\d+) ""([a-z_]+)"" frames")]
    public void CountFrames(int count, string name)
    {
        var actual = _world.Frames.Count(f => f.Event == name);
        if (actual != count) throw new StepFailedException($"{actual} {name} frames, expected {count}: {Names()}");
    }

    [Step(@"there is at least one ""([a-z_]+)"" frame")]
    public void SomeFrame(string name)
    {
        if (!_world.Frames.Any(f => f.Event == name)) throw new StepFailedException($"no {name} frame: {Names()}");
    }

    [Step(@"the token frames number their tokens 0, 1, 2, … in order")]
    public void TokenOrder()
    {
        var indexes = _world.Frames.Where(f => f.Event == "token").Select(f => (int?)f.Json?["i"]).ToList();
        for (var i = 0; i < indexes.Count; i++)
        {
            if (indexes[i] != i) throw new StepFailedException($"token frame {i} has i = {indexes[i]}");
        }
    }

    [Step(@"the ""([a-z_]+)"" frame has ""([^""]+)"" equal to ""([^""]*)""")]
    public void FrameField(string name, string path, string value)
    {
        var frame = _world.Frames.LastOrDefault(f => f.Event == name) ?? throw new StepFailedException($"no {name} frame: {Names()}");
        var actual = JsonPath.Text(JsonPath.Get(frame.Json, path));
        if (actual != value) throw new StepFailedException($"{name}.{path} is {actual}, expected {value}");
    }

    [Step(@"some ""([a-z_]+)"" frame has ""([^""]+)""")]
    public void SomeFrameHas(string name, string path)
    {
        if (!_world.Frames.Any(f => f.Event == name && JsonPath.TryGet(f.Json, path, out _)))
            throw new StepFailedException($"no {name} frame has {path}: {JsonPath.Shorten(string.Join(" | ", _world.Frames.Where(f => f.Event == name).Select(f => f.Data)))}");
    }

    [Step(@"every ""([a-z_]+)"" frame has ""([^""]+)""")]
    public void EveryFrameHas(string name, string path)
    {
        foreach (var frame in _world.Frames.Where(f => f.Event == name))
        {
            if (!JsonPath.TryGet(frame.Json, path, out _)) throw new StepFailedException($"a {name} frame lacks {path}: {frame.Data}");
        }
    }

    private async Task SubmitBodyAsync(JsonObject body)
    {
        await _world.SendAsync(HttpMethod.Post, "/v1/tasks", body.ToJsonString());
        if ((int)_world.LastResponse.StatusCode == 202)
        {
            var id = JsonPath.Text(JsonPath.Get(_world.Json, "task_id"));
            _submitted.Add(id);
            _world.Remembered["task"] = id;
        }
    }

    private async Task SubmitAsync(string pool, int maxTokens, string? priority, string? session)
    {
        var body = new JsonObject
        {
            ["prompt"] = "Once upon a time",
            ["model_ref"] = ModelOf(pool),
            ["max_tokens"] = maxTokens,
        };
        if (priority is not null) body["priority"] = priority;
        if (session is not null) body["session_id"] = _world.Fill(session);
        await _world.SendAsync(HttpMethod.Post, "/v1/tasks", body.ToJsonString());
        if ((int)_world.LastResponse.StatusCode == 202)
        {
            var id = JsonPath.Text(JsonPath.Get(_world.Json, "task_id"));
            _submitted.Add(id);
            _world.Remembered["task"] = id;
        }
    }

    /// <summary>Reads the task's stream until its <c>started</c> frame, then lets go (a reader does not own the task).</summary>
    private async Task WaitStartedAsync(string id)
    {
        using var request = _world.Request(HttpMethod.Get, $"/v1/tasks/{Uri.EscapeDataString(id)}/stream");
        using var response = await _world.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        if (!response.IsSuccessStatusCode) throw new StepFailedException($"the stream of {id} answered {(int)response.StatusCode}");
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line == "event: started") return;
            if (line is "event: end" or "event: error") throw new StepFailedException($"task {id} ended before it was seen running");
        }
        throw new StepFailedException($"the stream of {id} closed before its started frame");
    }

    private void Expect202()
    {
        if ((int)_world.LastResponse.StatusCode != 202) throw new StepFailedException($"the task was not admitted: {(int)_world.LastResponse.StatusCode} {JsonPath.Shorten(_world.Body)}");
    }

    private static string ModelOf(string pool) =>
        OrchestratordProcess.Pools.FirstOrDefault(p => p.Id == pool)?.Model ?? throw new StepFailedException($"no pool {pool} in the runner's configuration");

    private string StreamedText() =>
        string.Concat(_world.Frames.Where(f => f.Event == "token").Select(f => (string?)f.Json?["t"] ?? ""));

    private string Names() => string.Join(", ", _world.Frames.Select(f => f.Event));

    public async ValueTask DisposeAsync()
    {
        foreach (var id in _submitted)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/tasks/{Uri.EscapeDataString(id)}/cancel");
            request.Headers.Authorization = new("Bearer", _world.Target.Token);
            using var _ = await _world.Http.SendAsync(request);
        }
    }
}

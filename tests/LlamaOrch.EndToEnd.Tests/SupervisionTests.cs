using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using static LlamaOrch.EndToEnd.Tests.OrchestratordProcess;

namespace LlamaOrch.EndToEnd.Tests;

public sealed class SupervisionTests
{
    private const string Slow = "sim:slow?tps=20";

    [Fact]
    public async Task An_engine_killed_mid_stream_fails_its_task_with_WORKER_RESET_and_the_replica_comes_back()
    {
        await using var orchestrator = await Orchestrator.StartAsync(Orchestrator.Pool(Slow));
        var id = (await orchestrator.AdmitAsync(Orchestrator.Task(Slow, maxTokens: 200)))["task_id"]!.GetValue<string>();
        var pid = orchestrator.Supervisor.EngineProcessIds[0]!.Value;

        var frames = new List<SseFrame>();
        await foreach (var frame in orchestrator.FollowAsync(id))
        {
            frames.Add(frame);
            if (frame.Event == "token" && frame.Int("i") == 0) Process.GetProcessById(pid).Kill();
        }

        Assert.Equal("error", frames[^1].Event);
        Assert.Equal("WORKER_RESET", frames[^1].Str("code"));
        Assert.True(frames[^1].Bool("retriable"));

        // Ready again on a new engine process (until the exit is noticed, health still shows the old one).
        await orchestrator.WaitUntilAsync(h => h["ready"]!.GetValue<bool>() && orchestrator.Supervisor.EngineProcessIds[0] is { } now && now != pid);
        Assert.Null((await orchestrator.HealthAsync())["pools"]![0]!["last_error"]); // recovered: no stale error
        var next = (await orchestrator.AdmitAsync(Orchestrator.Task(Slow, maxTokens: 2)))["task_id"]!.GetValue<string>();
        Assert.Equal("end", (await orchestrator.StreamAsync(next))[^1].Event);
    }

    [Theory]
    [InlineData(1)] // the queue waits for the restart
    [InlineData(2)] // the queue goes to the live replica
    public async Task Tasks_queued_when_an_engine_is_killed_are_not_sent_to_the_dead_replica(int replicas)
    {
        await using var orchestrator = await Orchestrator.StartAsync(Orchestrator.Pool(Slow, slots: 1, replicas: replicas));
        await orchestrator.WaitUntilAsync(h => h["pools"]![0]!["replicas_ready"]!.GetValue<int>() == replicas);
        var running = new List<string>();
        for (var i = 0; i < replicas; i++) running.Add((await orchestrator.AdmitAsync(Orchestrator.Task(Slow, maxTokens: 200)))["task_id"]!.GetValue<string>());
        await orchestrator.WaitUntilAsync(h => h["pools"]![0]!["queue_depth"]!.GetValue<int>() == 0);
        var queued = new List<string>();
        for (var i = 0; i < 4; i++) queued.Add((await orchestrator.AdmitAsync(Orchestrator.Task(Slow, maxTokens: 2)))["task_id"]!.GetValue<string>());
        string? victim = null;
        await foreach (var frame in orchestrator.FollowAsync(running[0]))
        {
            if (frame.Event == "started") victim = frame.Str("replica_id");
            if (frame.Event == "token") break; // it runs
        }

        Process.GetProcessById(orchestrator.Supervisor.EngineProcessId(victim!)!.Value).Kill();

        var killed = (await orchestrator.StreamAsync(running[0]))[^1];
        Assert.Equal("WORKER_RESET", killed.Str("code")); // it had produced tokens: it cannot run again
        foreach (var id in queued) Assert.Equal("end", (await orchestrator.StreamAsync(id))[^1].Event);
        foreach (var id in running.Skip(1)) Assert.Equal(HttpStatusCode.NoContent, await orchestrator.CancelAsync(id));
    }

    [Fact]
    public async Task A_hung_engine_is_killed_and_replaced_and_its_task_fails_with_WORKER_RESET()
    {
        await using var orchestrator = await Orchestrator.StartAsync(
            [.. Orchestrator.Pool(Slow), "Supervisor:HealthIntervalMs=200", "Supervisor:UnhealthyThreshold=2"]);
        var id = (await orchestrator.AdmitAsync(Orchestrator.Task(Slow, maxTokens: 200)))["task_id"]!.GetValue<string>();
        var pid = orchestrator.Supervisor.EngineProcessIds[0]!.Value;

        var frames = new List<SseFrame>();
        await foreach (var frame in orchestrator.FollowAsync(id))
        {
            frames.Add(frame);
            if (frame.Event == "token" && frame.Int("i") == 0) Kill(pid, "STOP"); // alive, but answers nothing
        }

        Assert.Equal("WORKER_RESET", frames[^1].Str("code"));
        await orchestrator.WaitUntilAsync(h => h["ready"]!.GetValue<bool>() && orchestrator.Supervisor.EngineProcessIds[0] is { } now && now != pid);
        Assert.False(File.Exists($"/proc/{pid}/status") && !File.ReadAllText($"/proc/{pid}/status").Contains("State:\tZ"));
    }

    [Fact]
    public async Task A_stopped_engine_gets_no_task_after_its_first_missed_check_and_its_tasks_are_requeued_or_reset()
    {
        // Checks every second, each to be answered within 500 ms; hung at the third missed check in a row. The session's
        // second task must start at once beside its first (no affinity wait), before the stopped engine misses a check.
        await using var orchestrator = await Orchestrator.StartAsync(
            [.. Orchestrator.Pool(Slow, slots: 4, replicas: 2, capacity: 32), "Supervisor:HealthIntervalMs=1000", "Supervisor:UnhealthyThreshold=3",
                "Sessions:AffinityWaitMs=0"]);
        await orchestrator.WaitUntilAsync(h => h["pools"]![0]!["replicas_ready"]!.GetValue<int>() == 2);
        var session = Guid.NewGuid().ToString();
        var streamingBody = Orchestrator.Task(Slow, maxTokens: 200);
        streamingBody["session_id"] = session;
        var streamingStarted = new TaskCompletionSource<SseFrame>(TaskCreationOptions.RunContinuationsAsynchronously);
        var streamingToken = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var streaming = SseFrame.ReadAllAsync(orchestrator.Http, (await orchestrator.AdmitAsync(streamingBody))["task_id"]!.GetValue<string>(), frame =>
        {
            if (frame.Event == "started") streamingStarted.TrySetResult(frame);
            if (frame.Event == "token") streamingToken.TrySetResult();
        });
        var stopped = (await streamingStarted.Task.WaitAsync(TimeSpan.FromSeconds(60))).Str("replica_id");
        var healthy = stopped == "p-r0" ? "p-r1" : "p-r0";
        await streamingToken.Task.WaitAsync(TimeSpan.FromSeconds(60));
        var pid = orchestrator.Supervisor.EngineProcessId(stopped)!.Value;
        try
        {
            Kill(pid, "STOP");

            // Sent at once, well before the first missed check: session affinity puts it on the stopped engine,
            // where it waits for a first token that never comes.
            var waitingBody = Orchestrator.Task(Slow, maxTokens: 5);
            waitingBody["session_id"] = session;
            var waitingStarted = new TaskCompletionSource<SseFrame>(TaskCreationOptions.RunContinuationsAsynchronously);
            var waiting = SseFrame.ReadAllAsync(orchestrator.Http, (await orchestrator.AdmitAsync(waitingBody))["task_id"]!.GetValue<string>(), frame =>
            {
                if (frame.Event == "started") waitingStarted.TrySetResult(frame);
            });
            Assert.Equal(stopped, (await waitingStarted.Task.WaitAsync(TimeSpan.FromSeconds(60))).Str("replica_id"));

            // Its first missed check: shown, and no new task goes to it.
            var replica = await WaitForReplicaStateAsync(orchestrator, stopped, "unresponsive");
            Assert.Contains("/health", replica["last_error"]!.GetValue<string>());
            var pool = (await orchestrator.HealthAsync())["pools"]![0]!;
            Assert.Equal(1, pool["replicas_ready"]!.GetValue<int>());
            Assert.Contains(stopped, pool["last_error"]!.GetValue<string>());
            var ids = new List<string>();
            for (var i = 0; i < 12; i++) ids.Add((await orchestrator.AdmitAsync(Orchestrator.Task(Slow, maxTokens: 3)))["task_id"]!.GetValue<string>());
            foreach (var frames in await Task.WhenAll(ids.Select(orchestrator.StreamAsync)))
            {
                Assert.Equal(healthy, frames.Single(f => f.Event == "started").Str("replica_id"));
                Assert.Equal("end", frames[^1].Event);
            }

            // Declared hung: the task that had no token yet runs again on the other replica, the streaming one is reset.
            var moved = await waiting;
            Assert.Single(moved, f => f.Event == "started");
            Assert.Contains(moved, f => f.Event == "metrics" && f.Data.TryGetProperty("requeued", out var why) && why.GetString()!.Contains(stopped));
            Assert.Contains(moved, f => f.Event == "metrics" && f.Data.TryGetProperty("replica_id", out var now) && now.GetString() == healthy);
            Assert.Equal(5, moved.Count(f => f.Event == "token"));
            Assert.Equal("end", moved[^1].Event);
            var reset = (await streaming)[^1];
            Assert.Equal("WORKER_RESET", reset.Str("code"));
            Assert.True(reset.Bool("retriable"));

            await orchestrator.WaitUntilAsync(h => h["pools"]![0]!["replicas_ready"]!.GetValue<int>() == 2);
            Assert.NotEqual(pid, orchestrator.Supervisor.EngineProcessId(stopped));
        }
        finally
        {
            // Killed and replaced by now; should the test fail first, it resumes, and the orchestrator's dispose kills it.
            if (orchestrator.Supervisor.EngineProcessId(stopped) == pid) Kill(pid, "CONT");
        }
    }

    private static async Task<System.Text.Json.Nodes.JsonNode> WaitForReplicaStateAsync(Orchestrator orchestrator, string replicaId, string state)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            var replicas = (await orchestrator.Http.GetFromJsonAsync<System.Text.Json.Nodes.JsonArray>("/v1/replicasets", timeout.Token))!;
            var replica = replicas.Single(r => r!["id"]!.GetValue<string>() == replicaId)!;
            if (replica["state"]!.GetValue<string>() == state) return replica;
            await Task.Delay(50, timeout.Token);
        }
    }

    [Fact]
    public async Task A_crash_looping_engine_leaves_the_pool_unready_and_tasks_get_503_naming_the_pool_and_error()
    {
        // The engine refuses an unknown flag and exits at once, every time.
        await using var orchestrator = await Orchestrator.StartAsync(false, [.. Orchestrator.Pool(Slow), "Pools:0:EngineArgs:0=--no-such-flag"]);
        await orchestrator.WaitUntilAsync(h => h["pools"]![0]!["last_error"]?.GetValue<string>()?.Contains("crash loop") == true);

        var health = await orchestrator.HealthAsync();
        Assert.False(health["ready"]!.GetValue<bool>());
        Assert.Contains("--no-such-flag", health["pools"]![0]!["last_error"]!.GetValue<string>());

        using var response = await orchestrator.SubmitAsync(Orchestrator.Task(Slow));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        var envelope = await Orchestrator.ErrorOf(response);
        Assert.Equal("POOL_UNREADY", envelope["code"]!.GetValue<string>());
        Assert.Contains("'p'", envelope["message"]!.GetValue<string>());
        Assert.Contains("crash loop", envelope["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_engine_that_cannot_be_started_is_reported_in_health()
    {
        await using var orchestrator = await Orchestrator.StartAsync(false, [.. Orchestrator.Pool(Slow), "Pools:0:EngineCommand=/nonexistent/llama-server"]);

        // Waits for any error, then says which: a wrong one fails here, not by timing out.
        await orchestrator.WaitUntilAsync(h => h["pools"]![0]!["last_error"] is not null);

        var health = await orchestrator.HealthAsync();
        Assert.False(health["ready"]!.GetValue<bool>());
        Assert.Contains("cannot start engine '/nonexistent/llama-server'", health["pools"]![0]!["last_error"]!.GetValue<string>());
    }
}

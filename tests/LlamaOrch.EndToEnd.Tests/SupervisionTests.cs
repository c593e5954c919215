using System.Diagnostics;
using System.Net;

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
            if (frame.Event == "token" && frame.Int("i") == 0) Signal(pid, "STOP"); // alive, but answers nothing
        }

        Assert.Equal("WORKER_RESET", frames[^1].Str("code"));
        await orchestrator.WaitUntilAsync(h => h["ready"]!.GetValue<bool>() && orchestrator.Supervisor.EngineProcessIds[0] is { } now && now != pid);
        Assert.False(File.Exists($"/proc/{pid}/status") && !File.ReadAllText($"/proc/{pid}/status").Contains("State:\tZ"));
    }

    private static void Signal(int pid, string signal)
    {
        using var kill = Process.Start("kill", ["-" + signal, pid.ToString()]);
        kill.WaitForExit();
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

        await orchestrator.WaitUntilAsync(h => h["pools"]![0]!["last_error"]?.GetValue<string>()?.Contains("/nonexistent/llama-server") == true);
    }
}

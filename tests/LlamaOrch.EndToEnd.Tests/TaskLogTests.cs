using LlamaOrch.Engines.Supervision;
using static LlamaOrch.EndToEnd.Tests.OrchestratordProcess;

namespace LlamaOrch.EndToEnd.Tests;

/// <summary>Logs (docs/observability.md, Logs): a task's lines carry its ids as scope values; no token, no prompt above Debug.</summary>
public sealed class TaskLogTests
{
    private const string Token = "e2e-logs-token-b83e";
    private const string Prompt = "A prompt kept out of the logs";

    [Fact]
    public async Task Lines_logged_during_a_run_carry_the_correlation_task_pool_and_replica()
    {
        var port = FreePort.Next();
        using var process = Start(
            ["--urls", $"http://127.0.0.1:{port}", $"--Orchestrator:DataDir={Directory.CreateTempSubdirectory("llorch-logs-").FullName}",
             "--Orchestrator:Pools:0:Id=p", "--Orchestrator:Pools:0:Model=sim:trace?tps=500",
             "--Logging:LogLevel:LlamaOrch.Core.Tasks=Debug"],
            new Dictionary<string, string> { ["LLORCH_API_TOKEN"] = Token });
        var stdout = CollectStdout(process);
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        try
        {
            var (taskId, correlationId, frames) = await TracingTests.RunOneTaskAsync(port, Token, Prompt);
            Assert.Equal("end", frames[^1].Event);

            var lines = JsonLogLines.Parse(stdout);
            var started = Assert.Single(lines, line =>
                JsonLogLines.Category(line) == "LlamaOrch.Core.Tasks.TaskRunner" && JsonLogLines.Scope(line, "TaskId") == taskId);
            Assert.Equal(correlationId, JsonLogLines.Scope(started, "CorrelationId"));
            Assert.Equal("p", JsonLogLines.Scope(started, "PoolId"));
            Assert.Equal(frames[0].Str("replica_id"), JsonLogLines.Scope(started, "ReplicaId"));

            Assert.DoesNotContain(lines, line => line.GetRawText().Contains(Token, StringComparison.Ordinal));
            Assert.DoesNotContain(lines, line => JsonLogLines.Level(line) is not ("Debug" or "Trace")
                                                && line.GetRawText().Contains(Prompt, StringComparison.Ordinal));
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
    }

    [Fact]
    public async Task The_dispatch_of_the_next_task_when_a_run_ends_is_not_logged_under_the_ended_tasks_ids()
    {
        var port = FreePort.Next();
        using var process = Start(
            ["--urls", $"http://127.0.0.1:{port}", $"--Orchestrator:DataDir={Directory.CreateTempSubdirectory("llorch-logs-").FullName}",
             "--Orchestrator:Pools:0:Id=p", "--Orchestrator:Pools:0:Model=sim:trace?tps=500", "--Orchestrator:Pools:0:Slots=1",
             "--Logging:LogLevel:LlamaOrch=Debug"],
            new Dictionary<string, string> { ["LLORCH_API_TOKEN"] = Token });
        var stdout = CollectStdout(process);
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            await WaitReadyAsync(http);
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Token);
            // One slot: the second task waits for the first, and the first run's end dispatches it.
            var first = Orchestrator.Task("sim:trace?tps=500", maxTokens: 200);
            var second = Orchestrator.Task("sim:trace?tps=500", maxTokens: 2);
            foreach (var body in new[] { first, second }) (await PostTaskAsync(http, body)).Dispose();
            foreach (var body in new[] { first, second })
                Assert.Equal("end", (await SseFrame.ReadAllAsync(http, body["task_id"]!.GetValue<string>()))[^1].Event);

            // The console logger writes from a queue of its own: the line may come a moment after the streams end.
            bool IsDispatch(System.Text.Json.JsonElement line) => line.GetProperty("Message").GetString()!
                .StartsWith($"Placement: task {second["task_id"]} dispatched", StringComparison.Ordinal);
            await WaitForAsync(() => Task.FromResult(JsonLogLines.Parse(stdout).Any(IsDispatch)));
            var dispatched = Assert.Single(JsonLogLines.Parse(stdout), IsDispatch);
            Assert.NotEqual(first["task_id"]!.GetValue<string>(), JsonLogLines.Scope(dispatched, "TaskId"));
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
    }
}

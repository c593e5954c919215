using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using LlamaOrch.EndToEnd.Tests;
using LlamaOrch.Testing;

namespace LlamaOrch.Client.Tests;

/// <summary>
/// The "Acceptance Criteria (MVP)" of ../shared/spec/cli-feature-requirements.md, one test per criterion and named
/// after it: the llorch CLI, run as its own process, against a real orchestratord with real llorch-engine replicas
/// (stories260K for inference and KV reuse; a slow sim model for queueing and 429s).
/// </summary>
public sealed partial class MvpAcceptanceTests(MvpServer server) : IClassFixture<MvpServer>
{
    private Orchestrator Orchestrator => server.Orchestrator;

    private string[] Target => LiveCli.Target(Orchestrator.Address, Orchestrator.Token);

    [Fact]
    public async Task Submit_tasks_and_stream_results_reliably_with_backpressure_respected()
    {
        // A batch three times the size of the pool's slots and queue, sent while the pool is held full: its first
        // submissions are 429s; it waits as told, and every line completes exactly once, in input order.
        var (code, results, summary, admitted, stderr) = await BatchThroughAFullPoolAsync(lines: 12);

        Assert.True(code == 0, stderr);
        Assert.Equal(12, summary.GetProperty("done").GetInt32());
        Assert.Equal(0, summary.GetProperty("failed").GetInt32());
        Assert.True(summary.GetProperty("retried_after_429").GetInt32() >= 1, stderr);
        Assert.True(summary.GetProperty("responses_429").GetInt32() >= 1);
        Assert.Equal(Enumerable.Range(0, 12).Select(i => $"job-{i}"), results.Select(r => r.GetProperty("id").GetString()));
        Assert.All(results, r => Assert.Equal(3, r.GetProperty("tokens_out").GetInt32()));
        Assert.All(results, r => Assert.False(string.IsNullOrWhiteSpace(r.GetProperty("text").GetString())));
        Assert.Equal(12, admitted); // one task per line on the server, however many 429s came first

        // Streamed as it comes: llorch run writes the text of the task's token frames.
        var (runCode, text, runError) = await LiveCli.RunAsync(["run", "Once upon a time", "--model", MvpServer.Story, "--max-tokens", "12", "--seed", "5", .. Target]);
        Assert.True(runCode == 0, runError);
        Assert.Matches("[a-z]{3,}", text);
        Assert.Matches(@"\[limit: 12 tokens, \d+ in, task [0-9a-f-]{36}\]", runError);
    }

    [Fact]
    public async Task Derive_safe_concurrency_from_capacity_and_backpressure()
    {
        // From capacity: the batch starts at the slots the server reports for the model's pool.
        var caps = JsonDocument.Parse((await LiveCli.RunAsync(["caps", "--json", .. Target])).Stdout).RootElement;
        var storySlots = caps.GetProperty("engines").EnumerateArray().Single(e => e.GetProperty("pool_id").GetString() == "story").GetProperty("slots").GetInt32();
        var input = string.Concat(Enumerable.Range(0, 6).Select(i => $"\"story {i}\"\n"));
        var (code, _, stderr) = await LiveCli.RunAsync(["batch", "-", "--model", MvpServer.Story, "-n", "4", "--json", .. Target], input);
        Assert.True(code == 0, stderr);
        var summary = JsonDocument.Parse(stderr.Trim()).RootElement;
        Assert.Equal(storySlots, summary.GetProperty("initial_concurrency").GetInt32());
        Assert.Equal(2, storySlots);

        // From backpressure: a 429 halves it.
        var (heldCode, _, heldSummary, _, heldError) = await BatchThroughAFullPoolAsync(lines: 6);
        Assert.True(heldCode == 0, heldError);
        Assert.Equal(2, heldSummary.GetProperty("initial_concurrency").GetInt32());
        Assert.True(heldSummary.GetProperty("concurrency_cuts").GetInt32() >= 1, heldError);
    }

    [Fact]
    public async Task Reuse_sessions_and_cancel_tasks()
    {
        // A chat's later turns run in the slot holding the session's KV and reuse its whole previous prompt.
        var session = Guid.NewGuid().ToString();
        var (code, stdout, stderr) = await LiveCli.RunAsync(
            ["chat", "--model", MvpServer.Story, "-n", "16", "--seed", "3", "--session", session, "--json", .. Target],
            "Once upon a time\nThe little dog ran home.\nThen it was night.\n");
        Assert.True(code == 0, stderr);
        var turns = CliBatchTests.Lines(stdout);
        Assert.Equal(3, turns.Count);
        for (var i = 1; i < turns.Count; i++)
        {
            Assert.Equal("session", turns[i].GetProperty("kv").GetString());
            Assert.True(turns[i].GetProperty("tokens_cached").GetInt32() >= turns[i - 1].GetProperty("tokens_in").GetInt32(),
                $"turn {i + 1} reused {turns[i].GetProperty("tokens_cached")} tokens; the previous prompt had {turns[i - 1].GetProperty("tokens_in")}");
        }
        var report = (await Orchestrator.Http.GetFromJsonAsync<JsonObject>($"/v1/sessions/{session}"))!;
        Assert.Equal(3, report["turns"]!.GetValue<int>());
        Assert.Equal(turns.Sum(t => t.GetProperty("tokens_cached").GetInt32()), report["tokens_cached_total"]!.GetValue<long>());

        // Ctrl-C (SIGINT) on llorch run cancels its task on the server.
        // The tasks another test held the pool with may still be ending: start from an idle pool.
        await LiveCli.WaitForAsync(async () => await ServerProbe.BusySlotsAsync(Orchestrator.Http, "held") == 0, "the held pool is idle");
        var canceledBefore = await ServerProbe.CounterAsync(Orchestrator.Http, "tasks_canceled_total", ("pool_id", "held"));
        using var run = LiveCli.Start(["run", "a long story", "--model", MvpServer.Held, "--max-tokens", "500", .. Target]);
        var runError = run.StandardError.ReadToEndAsync();
        var runOutput = run.StandardOutput.ReadToEndAsync();
        await LiveCli.WaitForAsync(async () => await ServerProbe.BusySlotsAsync(Orchestrator.Http, "held") == 1, "the run's task is running");
        using (var interrupt = Process.Start("kill", ["-INT", run.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            await interrupt.WaitForExitAsync();
        await run.WaitForExitAsync();
        Assert.Equal(130, run.ExitCode);
        Assert.Contains("interrupted", await runError);
        await runOutput;
        await LiveCli.WaitForAsync(async () => await ServerProbe.CounterAsync(Orchestrator.Http, "tasks_canceled_total", ("pool_id", "held")) > canceledBefore, "the cancel counted");
        Assert.Equal(canceledBefore + 1, await ServerProbe.CounterAsync(Orchestrator.Http, "tasks_canceled_total", ("pool_id", "held")));
        await LiveCli.WaitForAsync(async () => await ServerProbe.BusySlotsAsync(Orchestrator.Http, "held") == 0, "the held pool's slot is free");
    }

    [Fact]
    public async Task Identify_capabilities_and_versions()
    {
        var apiVersion = ApiVersionLine().Match(await File.ReadAllTextAsync(RepoPaths.InRepo("contracts", "openapi", "control.yaml"))).Groups[1].Value;

        var (code, stdout, stderr) = await LiveCli.RunAsync(["caps", "--json", .. Target]);
        Assert.True(code == 0, stderr);
        var caps = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal(apiVersion, caps.GetProperty("api_version").GetString());
        var engines = caps.GetProperty("engines").EnumerateArray().ToDictionary(e => e.GetProperty("pool_id").GetString()!);
        Assert.Matches(@"^llorch-engine/\d+\.\d+\.\d+ llama\.cpp/", engines["story"].GetProperty("engine_version").GetString());
        Assert.Contains("sim", engines["held"].GetProperty("engine_version").GetString());
        Assert.Equal(MvpServer.Story, engines["story"].GetProperty("model").GetString());

        var (tableCode, table, tableError) = await LiveCli.RunAsync(["caps", .. Target]);
        Assert.True(tableCode == 0, tableError);
        Assert.Contains($"API version {apiVersion}", table);
        // A pipe gets an 80-column table, whose cells wrap: the rows are there, the versions in --json above.
        Assert.Matches(@"│ story\s+│", table);
        Assert.Matches(@"│ held\s+│", table);
    }

    [Fact]
    public async Task Trace_requests_via_correlation_ids_and_basic_metrics()
    {
        // An orchestratord process of its own, logging its task lines as JSON, as an operator runs it.
        const string token = "mvp-trace-token-5c1e";
        var port = FreePort();
        var dataDir = Directory.CreateTempSubdirectory("llorch-mvp-trace-");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        var testDir = new DirectoryInfo(AppContext.BaseDirectory);
        start.ArgumentList.Add(RepoPaths.InRepo("src", "LlamaOrch.Server", "bin", testDir.Parent!.Name, testDir.Name, "orchestratord.dll"));
        foreach (var arg in new[]
                 {
                     "--urls", $"http://127.0.0.1:{port}", $"--Orchestrator:DataDir={dataDir.FullName}",
                     "--Orchestrator:Pools:0:Id=t", "--Orchestrator:Pools:0:Model=sim:trace?tps=500", "--Orchestrator:Pools:0:Slots=2",
                     "--Logging:LogLevel:LlamaOrch.Core.Tasks=Debug",
                 })
            start.ArgumentList.Add(arg);
        start.Environment["LLORCH_API_TOKEN"] = token;
        using var orchestratord = Process.Start(start)!;
        var log = new StringBuilder();
        orchestratord.OutputDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        orchestratord.ErrorDataReceived += (_, _) => { };
        orchestratord.BeginOutputReadLine();
        orchestratord.BeginErrorReadLine();
        try
        {
            var url = new Uri($"http://127.0.0.1:{port}/");
            using var http = new HttpClient { BaseAddress = url };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            await LiveCli.WaitForAsync(async () =>
            {
                try
                {
                    return (await http.GetStringAsync("/health")).Contains("\"ready\":true", StringComparison.Ordinal);
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            }, "orchestratord is ready");

            var (code, stdout, stderr) = await LiveCli.RunAsync(["run", "trace me", "--max-tokens", "7", "--json", "--correlation-id", "mvp-trace-run", .. LiveCli.Target(url, token)]);
            Assert.True(code == 0, stderr);
            var run = JsonDocument.Parse(stdout).RootElement;
            Assert.Equal("mvp-trace-run", run.GetProperty("correlation_id").GetString());
            var runTask = run.GetProperty("task_id").GetString()!;

            var (batchCode, batchOut, batchError) = await LiveCli.RunAsync(
                ["batch", "-", "-n", "4", "--correlation-id", "mvp-trace-batch", .. LiveCli.Target(url, token)], "\"one\"\n\"two\"\n\"three\"\n");
            Assert.True(batchCode == 0, batchError);
            var batchTasks = CliBatchTests.Lines(batchOut).Select(r => r.GetProperty("task_id").GetString()!).ToList();

            // The server's log lines of each task carry the correlation id llorch sent.
            await LiveCli.WaitForAsync(() => Task.FromResult(CorrelationOf(log, runTask) is not null && batchTasks.All(t => CorrelationOf(log, t) is not null)), "every task's log lines");
            Assert.Equal("mvp-trace-run", CorrelationOf(log, runTask));
            Assert.All(batchTasks, t => Assert.Equal("mvp-trace-batch", CorrelationOf(log, t)));

            // And its metrics counted them: four tasks admitted, their tokens produced.
            Assert.Equal(4, await ServerProbe.CounterAsync(http, "tasks_enqueued_total", ("pool_id", "t")));
            await LiveCli.WaitForAsync(async () => await ServerProbe.CounterAsync(http, "tokens_out_total", ("pool_id", "t")) >= 7 + 3 * 4, "the tokens counted");
            Assert.Equal(7 + 3 * 4, await ServerProbe.CounterAsync(http, "tokens_out_total", ("pool_id", "t")));
        }
        finally
        {
            orchestratord.Kill(entireProcessTree: true);
            await orchestratord.WaitForExitAsync();
            dataDir.Delete(recursive: true);
        }
    }

    /// <summary>
    /// Holds the <c>held</c> pool full (its 2 slots and queue of 2), starts <c>llorch batch</c> of <paramref name="lines"/>,
    /// waits until the server has refused one of its submissions (429), then lets the pool go.
    /// </summary>
    private async Task<(int Code, List<JsonElement> Results, JsonElement Summary, double Admitted, string Stderr)> BatchThroughAFullPoolAsync(int lines)
    {
        var holders = await ServerProbe.FillAsync(Orchestrator, MvpServer.Held);
        var admittedBefore = await ServerProbe.CounterAsync(Orchestrator.Http, "tasks_enqueued_total", ("pool_id", "held"));
        var rejectedBefore = await ServerProbe.CounterAsync(Orchestrator.Http, "tasks_rejected_total");
        var input = string.Concat(Enumerable.Range(0, lines).Select(i => $$"""{"id": "job-{{i}}", "prompt": "job {{i}}"}""" + "\n"));
        var batch = LiveCli.RunAsync(["batch", "-", "--model", MvpServer.Held, "-n", "3", "--json", .. Target], input);
        try
        {
            await LiveCli.WaitForAsync(async () => batch.IsCompleted
                || await ServerProbe.CounterAsync(Orchestrator.Http, "tasks_rejected_total") > rejectedBefore, "the batch is answered 429");
        }
        finally
        {
            await ServerProbe.CancelAllAsync(Orchestrator, holders);
        }
        var (code, stdout, stderr) = await batch;
        var summary = JsonDocument.Parse(stderr.Trim().Split('\n')[^1]).RootElement.Clone();
        var admitted = await ServerProbe.CounterAsync(Orchestrator.Http, "tasks_enqueued_total", ("pool_id", "held")) - admittedBefore;
        return (code, CliBatchTests.Lines(stdout), summary, admitted, stderr);
    }

    private static string? CorrelationOf(StringBuilder log, string taskId) =>
        JsonLogLines.Parse(log).Where(l => JsonLogLines.Scope(l, "TaskId") == taskId).Select(l => JsonLogLines.Scope(l, "CorrelationId")).FirstOrDefault();

    private static int FreePort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    [GeneratedRegex(@"(?m)^info:\s*\n(?:\s+.*\n)*?\s+version:\s*([0-9.]+)")]
    private static partial Regex ApiVersionLine();
}

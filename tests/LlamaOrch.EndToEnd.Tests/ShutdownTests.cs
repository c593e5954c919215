using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using LlamaOrch.Engines.Supervision;
using static LlamaOrch.EndToEnd.Tests.OrchestratordProcess;

namespace LlamaOrch.EndToEnd.Tests;

/// <summary>SIGTERM to a real orchestratord process with streams open: every stream gets a final frame.</summary>
public sealed class ShutdownTests
{
    private const string Slow = "sim:slow?tps=10";

    [Fact]
    public async Task SIGTERM_ends_every_open_stream_with_a_final_frame_refuses_new_tasks_and_exits_0()
    {
        using var orchestratord = await Orchestratord.StartAsync("--Orchestrator:Pools:0:Slots=2");
        var (process, http) = (orchestratord.Process, orchestratord.Http);

        // Two slots: a short task that finishes within the grace and a long one that cannot; a third waits in the queue.
        var finishing = await AdmitAsync(http, Orchestrator.Task(Slow, maxTokens: 10));
        var cut = await AdmitAsync(http, Orchestrator.Task(Slow, maxTokens: 200));
        var queued = await AdmitAsync(http, Orchestrator.Task(Slow, maxTokens: 10));
        var firstToken = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var streams = new[] { finishing, cut, queued }.ToDictionary(id => id, id => SseFrame.ReadAllAsync(http, id, frame =>
        {
            if (id == finishing && frame.Event == "token") firstToken.TrySetResult();
        }));
        await firstToken.Task.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(0, Kill(process.Id, "TERM"));

        var queuedEnd = Assert.Single(SseFrame.AfterQueued(await streams[queued])); // ended at once, never started
        Assert.Equal("WORKER_RESET", queuedEnd.Str("code"));
        using (var late = await PostTaskAsync(http, Orchestrator.Task(Slow)))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, late.StatusCode);
            var envelope = await Orchestrator.ErrorOf(late);
            Assert.Equal("POOL_UNAVAILABLE", envelope["code"]!.GetValue<string>());
            Assert.True(envelope["retriable"]!.GetValue<bool>());
            Assert.Contains("shutting down", envelope["message"]!.GetValue<string>());
        }
        // Admission is closed for the whole grace: readiness says so, or a load balancer keeps sending work here.
        using (var ready = await http.GetAsync("/health/ready"))
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);

        var finished = await streams[finishing];
        Assert.Equal("end", finished[^1].Event);
        Assert.Equal(10, finished.Count(f => f.Event == "token"));
        var reset = (await streams[cut])[^1];
        Assert.Equal("error", reset.Event);
        Assert.Equal("WORKER_RESET", reset.Str("code"));
        Assert.True(reset.Bool("retriable"));
        Assert.Contains("shutting down", reset.Str("message"));

        orchestratord.AssertExitedWith0();
    }

    [Fact]
    public async Task SIGTERM_calls_off_a_reload_still_loading_its_model_which_answers_409_at_once()
    {
        using var orchestratord = await Orchestratord.StartAsync();
        var (process, http) = (orchestratord.Process, orchestratord.Http);

        // The new model loads for 10 minutes: the reload waits for it (up to ReloadTimeoutSeconds, 300 s).
        var reload = http.PostAsync("/v1/pools/p/reload", new StringContent(
            """{"new_model_ref": "sim:loading?tps=10&load_ms=600000"}""", Encoding.UTF8, "application/json"));
        await WaitForAsync(async () => JsonNode.Parse(await http.GetStringAsync("/v1/pools/p/health"))!["reloading"]!.GetValue<bool>());

        Assert.Equal(0, Kill(process.Id, "TERM"));

        // It used to get no answer: the host's stop timed out after grace + 30 s and dropped the connection.
        using var answer = await reload;
        Assert.Equal(HttpStatusCode.Conflict, answer.StatusCode);
        var envelope = await Orchestrator.ErrorOf(answer);
        Assert.Equal("RELOAD_CONFLICT", envelope["code"]!.GetValue<string>());
        Assert.Contains("rolled back", envelope["message"]!.GetValue<string>());
        Assert.Contains("shutting down", envelope["message"]!.GetValue<string>());

        orchestratord.AssertExitedWith0();
    }

    /// <summary>
    /// orchestratord as a process of its own on a free port, with a pool <c>p</c> of <see cref="Slow"/> and a 4 s grace,
    /// its output kept for a failure's message, and a client that sends its token.
    /// </summary>
    private sealed class Orchestratord : IDisposable
    {
        private readonly StringBuilder _log = new();

        private Orchestratord(System.Diagnostics.Process process, HttpClient http)
        {
            Process = process;
            Http = http;
        }

        public System.Diagnostics.Process Process { get; }

        public HttpClient Http { get; }

        public static async Task<Orchestratord> StartAsync(params string[] settings)
        {
            var dataDir = Directory.CreateTempSubdirectory("llorch-proc-").FullName;
            var port = FreePort.Next();
            var process = Start(
                ["--urls", $"http://127.0.0.1:{port}", $"--Orchestrator:DataDir={dataDir}",
                 "--Orchestrator:Pools:0:Id=p", $"--Orchestrator:Pools:0:Model={Slow}", "--Orchestrator:Tasks:ShutdownGraceSeconds=4", .. settings]);
            var http = new HttpClient(new SocketsHttpHandler { UseProxy = false })
            {
                BaseAddress = new Uri($"http://127.0.0.1:{port}"),
                Timeout = TimeSpan.FromSeconds(120),
            };
            var started = new Orchestratord(process, http);
            process.OutputDataReceived += (_, e) => started.Log(e.Data);
            process.ErrorDataReceived += (_, e) => started.Log(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            try
            {
                await WaitReadyAsync(http);
                http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await File.ReadAllTextAsync(Path.Combine(dataDir, "api-token")));
                return started;
            }
            catch
            {
                started.Dispose();
                throw;
            }
        }

        public void AssertExitedWith0()
        {
            Assert.True(Process.WaitForExit(60_000), "orchestratord did not exit");
            lock (_log) Assert.True(Process.ExitCode == 0, $"exit code {Process.ExitCode}; log:\n{_log}");
        }

        public void Dispose()
        {
            if (!Process.HasExited) Process.Kill(entireProcessTree: true);
            Http.Dispose();
            Process.Dispose();
        }

        private void Log(string? line)
        {
            lock (_log) _log.AppendLine(line);
        }
    }

    private static async Task<string> AdmitAsync(HttpClient http, JsonObject body)
    {
        using var response = await PostTaskAsync(http, body);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return body["task_id"]!.GetValue<string>();
    }
}

using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using LlamaOrch.Engines.Supervision;
using static LlamaOrch.EndToEnd.Tests.OrchestratordProcess;

namespace LlamaOrch.EndToEnd.Tests;

/// <summary>Runs the real orchestratord executable, as an operator would.</summary>
public sealed class ProcessTests
{
    [Theory]
    [InlineData("without an API token", "--urls", "http://0.0.0.0:0")]
    [InlineData("loopback binds only", "--Kestrel:Endpoints:Http:Url=http://0.0.0.0:0", "--Orchestrator:Auth:Disabled=true")]
    [InlineData("Capacity", "--Orchestrator:Queue:Capacity=abc")]
    [InlineData("'ranking' is not a workload", "--Orchestrator:Pools:0:Id=p", "--Orchestrator:Pools:0:Model=sim:p", "--Orchestrator:Pools:0:Workloads:0=ranking")]
    [InlineData("Model", "--Orchestrator:Pools:0:Id=p", "--Orchestrator:Pools:0:Model=hf:only-an-org")]
    [InlineData("vram_mib", "--Orchestrator:Pools:0:Id=p", "--Orchestrator:Pools:0:Model=sim:p?vram_mib=lots")]
    [InlineData("Orchestrator:Catalog:AllowedRoots:0 '/' is a file-system root", "--Orchestrator:Catalog:AllowedRoots:0=/")]
    public async Task Refuses_to_start_with_exit_code_2_and_a_message_naming_the_reason(string named, params string[] args)
    {
        var dataDir = Directory.CreateTempSubdirectory("llorch-proc-").FullName;
        using var process = Start([.. args, $"--Orchestrator:DataDir={dataDir}"]);
        var stderr = process.StandardError.ReadToEndAsync();

        Assert.True(process.WaitForExit(60_000));
        Assert.Equal(2, process.ExitCode);
        Assert.Contains(named, await stderr);
    }

    [Fact]
    public async Task ContentRoot_names_the_folder_whose_appsettings_json_is_read()
    {
        var root = Directory.CreateTempSubdirectory("llorch-root-").FullName;
        await File.WriteAllTextAsync(Path.Combine(root, "appsettings.json"), """{"Orchestrator":{"Queue":{"Capacity":"from-the-content-root"}}}""");
        var dataDir = Directory.CreateTempSubdirectory("llorch-proc-").FullName;
        using var process = Start(["--contentRoot", root, $"--Orchestrator:DataDir={dataDir}"]);
        var stderr = process.StandardError.ReadToEndAsync();

        Assert.True(process.WaitForExit(60_000));
        Assert.Equal(2, process.ExitCode);
        Assert.Contains("from-the-content-root", await stderr);
    }

    [Fact]
    public async Task Relative_paths_resolve_against_the_file_that_wrote_them_or_the_directory_started_from()
    {
        var root = Directory.CreateTempSubdirectory("llorch-root-").FullName;
        var workingDir = Directory.CreateTempSubdirectory("llorch-cwd-").FullName;
        await File.WriteAllTextAsync(Path.Combine(root, "appsettings.json"),
            """{"Orchestrator":{"DataDir":"state","Models":{"SearchPaths":["models"],"Offline":true},"Pools":[{"Id":"p","Model":"hf:org/repo/absent.gguf"}]}}""");
        using var process = Start(["--contentRoot", root, "--urls", $"http://127.0.0.1:{FreePort.Next()}", "--Orchestrator:Models:CacheDir=cache"], workingDirectory: workingDir);
        var log = CollectStdout(process);
        try
        {
            await WaitForAsync(() => { lock (log) return log.ToString().Contains("absent.gguf is not available"); });

            Assert.True(File.Exists(Path.Combine(root, "state", "api-token")), "DataDir from appsettings.json is under its folder");
            lock (log)
            {
                Assert.Contains($"search paths: {Path.Combine(root, "models")} (missing)", log.ToString());
                Assert.Contains(Path.Combine(workingDir, "cache"), log.ToString()); // typed on the command line
            }
        }
        finally
        {
            process.Kill(entireProcessTree: true);
        }
    }

    [Fact]
    public async Task The_log_is_JSON_lines_off_a_terminal_and_a_failing_replica_says_its_reason_in_full_once()
    {
        using var process = Start(
            ["--urls", $"http://127.0.0.1:{FreePort.Next()}", $"--Orchestrator:DataDir={Directory.CreateTempSubdirectory("llorch-proc-").FullName}",
             "--Orchestrator:Pools:0:Id=p", "--Orchestrator:Pools:0:Model=sim:p", "--Orchestrator:Pools:0:EngineCommand=/bin/false",
             "--Orchestrator:Supervisor:RestartBackoffInitialMs=20", "--Orchestrator:Supervisor:RestartBackoffMaxMs=50"]);
        var log = CollectStdout(process);
        try
        {
            await WaitForAsync(() => { lock (log) return Regex.Count(log.ToString(), "still down for the same reason") >= 3; });
            process.Kill(entireProcessTree: true);
            process.WaitForExit();

            var lines = log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.All(lines, line => Assert.StartsWith("{", line)); // output is a pipe: JSON lines
            Assert.All(lines, line => JsonDocument.Parse(line).Dispose());
            Assert.Single(lines, line => line.Contains("engine exited during start"));
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
    }

    [Fact]
    public async Task Text_log_lines_are_one_setting_away()
    {
        using var process = Start(["--Logging:Console:FormatterName=simple", "--urls", $"http://127.0.0.1:{FreePort.Next()}",
            "--Orchestrator:Pools:0:Id=p", "--Orchestrator:Pools:0:Model=sim:p", $"--Orchestrator:DataDir={Directory.CreateTempSubdirectory("llorch-proc-").FullName}"]);
        try
        {
            var first = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));

            Assert.Matches(@"^\d{2}:\d{2}:\d{2}\.\d{3} info: orchestratord\[0\] API token required", first);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
        }
    }

    [Fact]
    public async Task SIGTERM_stops_every_engine_and_logs_carry_the_correlation_id()
    {
        var dataDir = Directory.CreateTempSubdirectory("llorch-proc-").FullName;
        var port = FreePort.Next();
        using var process = Start(
            ["--urls", $"http://127.0.0.1:{port}", $"--Orchestrator:DataDir={dataDir}",
             "--Orchestrator:Pools:0:Id=p", "--Orchestrator:Pools:0:Model=sim:p?tps=500", "--Orchestrator:Pools:0:Replicas=2",
             "--Logging:LogLevel:LlamaOrch=Debug"]); // per-task lines (with their correlation id) are Debug
        var log = CollectStdout(process);
        try
        {
            using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            await WaitReadyAsync(http);
            var engines = ChildProcessIds(process.Id);
            Assert.Equal(2, engines.Count);

            // No token configured on loopback: orchestratord generated one into its data folder.
            var token = await File.ReadAllTextAsync(Path.Combine(dataDir, "api-token"));
            var body = Orchestrator.Task("sim:p?tps=500", maxTokens: 2).ToJsonString();
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/tasks") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            request.Headers.Add("Authorization", "Bearer " + token);
            request.Headers.Add("X-Correlation-Id", "corr-in-the-logs");
            using var response = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);

            await WaitForAsync(() => { lock (log) return log.ToString().Contains("corr-in-the-logs"); });
            Assert.Equal(0, Kill(process.Id, "TERM"));
            Assert.True(process.WaitForExit(60_000));
            Assert.All(engines, pid => Assert.False(IsAlive(pid), $"engine {pid} outlived orchestratord"));
            lock (log) Assert.DoesNotContain(token, log.ToString()); // the token is never logged
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
    }
}

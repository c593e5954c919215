using System.Net;
using System.Net.Sockets;
using LlamaOrch.Contracts.Tasks;
using LlamaOrch.EndToEnd.Tests;

namespace LlamaOrch.Client.Tests.Cli;

/// <summary>
/// The failures a user meets, each reached by its real condition: a port nobody listens on, a wrong or missing token,
/// a full queue, a model the server does not have. One line on stderr, its exit code, no stack trace.
/// </summary>
public sealed class CliErrorTests(CrawlServer server) : IClassFixture<CrawlServer>
{
    private readonly Llorch _llorch = new(server.Orchestrator.Address);

    [Fact]
    public async Task A_stopped_server_port_is_exit_3_naming_the_url_tried()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var url = $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}";
        listener.Stop();

        var result = await _llorch.RunAsync(["replicas"], new LlorchStart { Url = url });

        Assert.Equal(3, result.Code);
        Assert.StartsWith($"llorch: cannot reach orchestratord at {url}", result.Stderr);
        Assert.Single(result.Stderr.Trim().Split('\n'));
    }

    [Fact]
    public async Task A_wrong_token_is_exit_4_saying_where_it_came_from()
    {
        var option = await _llorch.RunAsync(["replicas"], new LlorchStart { Token = "wrong" });
        Assert.Equal(4, option.Code);
        Assert.Contains("refused the token (FORBIDDEN): the token from --token is wrong", option.Stderr);

        var environment = await _llorch.RunAsync(["pool", "health", "p"],
            new LlorchStart { OmitToken = true, Environment = { ["LLORCH_API_TOKEN"] = "also-wrong" } });
        Assert.Equal(4, environment.Code);
        Assert.Contains("the token from $LLORCH_API_TOKEN is wrong", environment.Stderr);
    }

    [Fact]
    public async Task A_token_or_correlation_id_a_header_cannot_carry_is_exit_2_at_once_naming_it()
    {
        // A line break would add a header of its own; a non-ASCII character was refused by the HTTP stack, read as an
        // unreachable server and retried for the whole --retry-for.
        foreach (var token in new[] { "tok\r\nX-Injected: yes", "tökén" })
        {
            var result = await _llorch.RunAsync(["replicas"], new LlorchStart { Token = token });
            Assert.Equal(2, result.Code);
            Assert.Equal("llorch: the token from --token: the API token holds a character an HTTP header cannot carry (a line break, a control or a non-ASCII character)",
                result.Stderr.Trim());
        }

        var correlation = await _llorch.RunAsync(["replicas", "--correlation-id", "x\r\nX-Injected: yes"]);
        Assert.Equal(2, correlation.Code);
        Assert.Contains("the correlation id holds a character an HTTP header cannot carry", correlation.Stderr);
    }

    [Fact]
    public async Task No_token_anywhere_is_exit_4_listing_where_it_was_looked_for_and_the_token_file_is_found()
    {
        var dataHome = Directory.CreateTempSubdirectory("llorch-cli-data-").FullName;
        var tokenFile = Path.Combine(dataHome, "llama-orch", "api-token");

        var none = await _llorch.RunAsync(["replicas"], new LlorchStart { OmitToken = true, DataHome = dataHome });
        Assert.Equal(4, none.Code);
        Assert.Contains($"no token was found (looked at --token, $LLORCH_API_TOKEN, then {tokenFile})", none.Stderr);

        Directory.CreateDirectory(Path.GetDirectoryName(tokenFile)!);
        await File.WriteAllTextAsync(tokenFile, Orchestrator.Token + "\n");
        var fromFile = await _llorch.RunAsync(["replicas", "--json"], new LlorchStart { OmitToken = true, DataHome = dataHome });
        Assert.Equal("p", fromFile.Json[0].GetProperty("pool_id").GetString());
    }

    [Fact]
    public async Task An_unknown_model_is_exit_6_listing_the_models_there_are()
    {
        var result = await _llorch.RunAsync("run", "hello", "--model", "sim:no-such-model");

        Assert.Equal(6, result.Code);
        Assert.Contains("orchestratord has no model 'sim:no-such-model' (503 POOL_UNAVAILABLE); it has: " + CrawlServer.Model, result.Stderr);
    }

    [Fact]
    public async Task A_full_queue_is_told_with_its_wait_and_retried_until_the_task_gets_in()
    {
        using var client = new LlamaOrchClient(new LlamaOrchClientOptions { BaseAddress = server.Orchestrator.Address, ApiToken = Orchestrator.Token });
        var (running, queued) = await FillAsync(client);

        using var llorch = _llorch.Start(["run", "hello", "--model", CrawlServer.Model, "--max-tokens", "1"], new LlorchStart());
        var stdout = llorch.StandardOutput.ReadToEndAsync();
        var stderr = new System.Text.StringBuilder();
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        while (await llorch.StandardError.ReadLineAsync(patience.Token) is { } line)
        {
            stderr.AppendLine(line);
            if (line.Contains("retrying in", StringComparison.Ordinal)) break;
        }
        await client.CancelTaskAsync(queued.TaskId);
        await client.CancelTaskAsync(running.TaskId);
        stderr.Append(await llorch.StandardError.ReadToEndAsync(patience.Token));
        await llorch.WaitForExitAsync(patience.Token);

        var said = stderr.ToString();
        Assert.True(llorch.ExitCode == 0, said);
        Assert.Contains("llorch: queue of pool 'p' is full (1 tasks) (429 ADMISSION_REJECT); retrying in ", said);
        Assert.Contains("(try 2)", said);
        Assert.Contains("[limit: 1 tokens", said);
        Assert.False(string.IsNullOrWhiteSpace(await stdout));
    }

    [Fact]
    public async Task A_queue_that_stays_full_past_retry_for_is_exit_5()
    {
        using var client = new LlamaOrchClient(new LlamaOrchClientOptions { BaseAddress = server.Orchestrator.Address, ApiToken = Orchestrator.Token });
        var (running, queued) = await FillAsync(client);
        try
        {
            var result = await _llorch.RunAsync("run", "hello", "--model", CrawlServer.Model, "--max-tokens", "1", "--retry-for", "1s");

            Assert.Equal(5, result.Code);
            Assert.Contains("llorch: queue of pool 'p' is full (1 tasks) (429 ADMISSION_REJECT); the retries gave up", result.Stderr);
        }
        finally
        {
            await client.CancelTaskAsync(queued.TaskId);
            await client.CancelTaskAsync(running.TaskId);
        }
    }

    /// <summary>One task running (200 s at 2 tokens/s), one queued: the queue of one is full until they are cancelled.</summary>
    private static async Task<(TaskSubmission Running, TaskSubmission Queued)> FillAsync(LlamaOrchClient client)
    {
        var running = (await client.SubmitTaskAsync(new TaskRequestBody { ModelRef = CrawlServer.Model, Prompt = "a", MaxTokens = 400 })).Value;
        // Only once the first has left the queue for the slot is there room for the second.
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while ((await client.GetPoolHealthAsync("p", patience.Token)).Value.Metrics.BusySlots < 1)
            await Task.Delay(50, patience.Token);
        var queued = (await client.SubmitTaskAsync(new TaskRequestBody { ModelRef = CrawlServer.Model, Prompt = "b", MaxTokens = 400 })).Value;
        return (running, queued);
    }

    [Fact]
    public async Task Verbose_prints_the_echoed_correlation_id_and_an_error_names_it()
    {
        var traced = await _llorch.RunAsync("replicas", "--verbose", "--correlation-id", "cli-trace-1");
        Assert.True(traced.Code == 0, traced.ToString());
        Assert.Contains("llorch: correlation id cli-trace-1", traced.Stderr);

        var failed = await _llorch.RunAsync("pool", "health", "nope", "--correlation-id", "cli-trace-2");
        Assert.Equal(6, failed.Code);
        Assert.EndsWith("[cli-trace-2]", failed.Stderr.Trim());
    }
}

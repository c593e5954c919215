using System.Diagnostics;
using System.Text.Json;
using LlamaOrch.EndToEnd.Tests;
using LlamaOrch.Testing;

namespace LlamaOrch.Client.Tests;

/// <summary>llorch run and llorch caps as their own process against a real orchestratord.</summary>
public sealed class CliTests(SimServer server) : IClassFixture<SimServer>
{
    [Fact]
    public async Task Caps_lists_the_pools_as_json()
    {
        var (code, stdout, stderr) = await LlorchAsync("caps", "--json");
        Assert.True(code == 0, stderr);
        var caps = JsonDocument.Parse(stdout).RootElement;
        Assert.False(string.IsNullOrEmpty(caps.GetProperty("api_version").GetString()));
        Assert.Contains(caps.GetProperty("engines").EnumerateArray(), e => e.GetProperty("pool_id").GetString() == "tiny");
    }

    [Fact]
    public async Task Caps_shows_a_table_for_people()
    {
        var (code, stdout, stderr) = await LlorchAsync("caps");
        Assert.True(code == 0, stderr);
        Assert.Contains("API version", stdout);
        Assert.Contains("tiny", stdout);
    }

    [Fact]
    public async Task Run_streams_the_tasks_text_and_says_how_it_ended()
    {
        var (code, stdout, stderr) = await LlorchAsync("run", "Once upon a time", "--model", SimServer.Fast, "--max-tokens", "6");
        Assert.True(code == 0, stderr);
        Assert.False(string.IsNullOrWhiteSpace(stdout));
        Assert.Contains("[limit: 6 tokens", stderr);

        var (jsonCode, json, _) = await LlorchAsync("run", "hello", "--model", SimServer.Fast, "--max-tokens", "3", "--json", "--correlation-id", "cli-corr-1");
        Assert.Equal(0, jsonCode);
        var result = JsonDocument.Parse(json).RootElement;
        Assert.Equal(3, result.GetProperty("tokens").GetInt32());
        Assert.Equal("cli-corr-1", result.GetProperty("correlation_id").GetString());
    }

    [Fact]
    public async Task A_bad_token_an_unreachable_server_and_a_bad_request_each_get_one_line_and_their_exit_code()
    {
        var (badToken, _, tokenError) = await LlorchAsync(["caps"], token: "wrong");
        Assert.Equal(4, badToken);
        Assert.Contains("token", tokenError);

        var (unreachable, _, reachError) = await LlorchAsync(["caps"], url: "http://127.0.0.1:1");
        Assert.Equal(3, unreachable);
        Assert.Contains("cannot reach orchestratord at http://127.0.0.1:1", reachError);

        var (invalid, _, invalidError) = await LlorchAsync("run", "x", "--model", "sim:no-such-pool");
        Assert.Equal(6, invalid); // a model the server does not have (docs/cli.md, "Exit codes")
        Assert.Contains("POOL_UNAVAILABLE", invalidError);
    }

    [Fact]
    public async Task Run_gives_the_task_its_deadline_and_the_server_holds_it_to_it()
    {
        var (bad, _, badError) = await LlorchAsync("run", "x", "--model", SimServer.Slow, "--deadline", "soon");
        Assert.Equal(2, bad);
        Assert.Contains("'soon' is not a duration", badError);

        // Both slots of the slow pool busy for longer than the deadline: the task cannot start in time.
        using var client = server.Client();
        var holders = new List<string>();
        for (var i = 0; i < 2; i++)
            holders.Add((await client.SubmitTaskAsync(new() { Prompt = "hold", ModelRef = SimServer.Slow, MaxTokens = 400 })).Value.TaskId);
        try
        {
            var (code, _, stderr) = await LlorchAsync("run", "late", "--model", SimServer.Slow, "--max-tokens", "2", "--deadline", "300ms");
            Assert.NotEqual(0, code);
            Assert.Contains("DEADLINE_UNMET", stderr);
        }
        finally
        {
            foreach (var id in holders) await client.CancelTaskAsync(id);
        }
    }

    private Task<(int Code, string Stdout, string Stderr)> LlorchAsync(params string[] args) => LlorchAsync(args, null, null);

    private async Task<(int Code, string Stdout, string Stderr)> LlorchAsync(string[] args, string? url = null, string? token = null)
    {
        var testDir = new DirectoryInfo(AppContext.BaseDirectory);
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(RepoPaths.InRepo("src", "LlamaOrch.Cli", "bin", testDir.Parent!.Name, testDir.Name, "llorch.dll"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.ArgumentList.Add("--url");
        start.ArgumentList.Add(url ?? server.Orchestrator.Address.ToString());
        start.ArgumentList.Add("--token");
        start.ArgumentList.Add(token ?? Orchestrator.Token);
        start.Environment.Remove("LLORCH_API_TOKEN");
        start.Environment.Remove("LLORCH_URL");
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(patience.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}

using LlamaOrch.Contracts.Tasks;

namespace LlamaOrch.Client.Tests.Cli;

/// <summary><c>llorch session show|budget|rm</c> on a session that ran a task.</summary>
[Collection(CliServer.Name)]
public sealed class CliSessionTests(SimServer server)
{
    private readonly Llorch _llorch = new(server.Orchestrator.Address);

    [Fact]
    public async Task A_session_is_shown_budgeted_and_removed()
    {
        var session = Guid.NewGuid().ToString();
        using (var client = server.Client())
            await client.RunTask(new TaskRequestBody { ModelRef = SimServer.Fast, SessionId = session, Prompt = "hello", MaxTokens = 4 }).CollectAsync();

        var shown = await _llorch.RunAsync("session", "show", session);
        Assert.True(shown.Code == 0, shown.ToString());
        Assert.Contains(session, shown.Stdout);
        Assert.Contains("4 out", shown.Stdout);

        var json = (await _llorch.RunAsync("session", "show", session, "--json")).Json;
        Assert.Equal(session, json.GetProperty("session_id").GetString());
        Assert.Equal(1, json.GetProperty("turns").GetInt32());

        var budgeted = (await _llorch.RunAsync("session", "budget", session, "--tokens", "1000", "--time", "10m", "--json")).Json;
        Assert.Equal("advisory", budgeted.GetProperty("budget_mode").GetString());
        Assert.True(budgeted.GetProperty("tokens_budget_remaining").GetInt64() <= 1000);
        Assert.True(budgeted.GetProperty("time_budget_remaining_ms").GetInt64() <= 600_000);

        var removed = await _llorch.RunAsync("session", "rm", session);
        Assert.True(removed.Code == 0, removed.ToString());
        Assert.Contains($"session {session} deleted", removed.Stdout);

        var gone = await _llorch.RunAsync("session", "show", session);
        Assert.Equal(6, gone.Code);
        Assert.Contains("NOT_FOUND", gone.Stderr);
    }

    [Fact]
    public async Task A_session_id_that_is_not_a_uuid_or_a_negative_budget_is_a_usage_error()
    {
        var start = new LlorchStart { Url = "http://127.0.0.1:1" };

        var id = await _llorch.RunAsync(["session", "show", "my-session"], start);
        Assert.Equal(2, id.Code);
        Assert.Contains("'my-session' is not a session id", id.Stderr);

        var budget = await _llorch.RunAsync(["session", "budget", Guid.NewGuid().ToString(), "--tokens", "-5"], start);
        Assert.Equal(2, budget.Code);
        Assert.Contains("must not be negative", budget.Stderr);
    }
}

using System.Text.RegularExpressions;
using LlamaOrch.EndToEnd.Tests;

namespace LlamaOrch.Client.Tests;

/// <summary>
/// llorch as a person sees it: in a pseudo-terminal (tmux, 120×40) against a real orchestratord, keys sent as typed and
/// the captured screen asserted. Every wait polls the screen or the API until a condition holds.
/// </summary>
public sealed partial class CliPtyTests(SimServer server) : IClassFixture<SimServer>
{
    private string[] Target => LiveCli.Target(server.Orchestrator.Address, Orchestrator.Token);

    private HttpClient Http => server.Orchestrator.Http;

    [Fact]
    public async Task Top_shows_the_pools_and_their_slots_live_and_q_quits_and_restores_the_terminal()
    {
        await using var pane = await TmuxPane.StartLlorchAsync(["top", "--interval", "0.2", .. Target]);
        await pane.WaitForScreenAsync(s => SlowRow().Match(s) is { Success: true } row && row.Groups["busy"].Value == "0", "the slow pool with 0 of 2 slots busy");
        Assert.Contains("tiny", await pane.ScreenAsync());

        var held = Orchestrator.Task(SimServer.Slow, "keep a slot busy", maxTokens: 500, ctx: 512);
        await server.Orchestrator.AdmitAsync(held);
        try
        {
            // The pool's row and its replica's come from two endpoints read one after the other: wait for both.
            await pane.WaitForScreenAsync(
                s => SlowRow().Match(s) is { Success: true } row && row.Groups["busy"].Value == "1" && SlowReplicaBusy().IsMatch(s),
                "1 of 2 slots busy in the slow pool and on its replica");
        }
        finally
        {
            await server.Orchestrator.CancelAsync(held["task_id"]!.GetValue<string>());
        }

        await pane.SendKeysAsync("q");
        var after = await pane.WaitForScreenAsync(s => s.Contains("[exit 0]", StringComparison.Ordinal), "top's exit");
        // Back from the alternate screen: the tables are gone and the shell's screen is as it was.
        Assert.DoesNotContain("busy/slots", after);
    }

    [Fact]
    public async Task Top_quits_on_ctrl_c_too()
    {
        await using var pane = await TmuxPane.StartLlorchAsync(["top", "--interval", "0.2", .. Target]);
        await pane.WaitForScreenAsync(s => s.Contains("busy/slots", StringComparison.Ordinal), "top's tables");
        await pane.SendKeysAsync("C-c");
        var after = await pane.WaitForScreenAsync(s => s.Contains("[exit 0]", StringComparison.Ordinal), "top's exit");
        Assert.DoesNotContain("busy/slots", after);
    }

    [Fact]
    public async Task Run_streams_tokens_to_the_screen_and_ctrl_c_cancels_the_task_on_the_server()
    {
        // Another test's task on the slow pool may still be ending: start from an idle pool.
        await LiveCli.WaitForAsync(async () => await ServerProbe.BusySlotsAsync(Http, "slow") == 0, "the slow pool is idle");
        var canceledBefore = await ServerProbe.CounterAsync(Http, "tasks_canceled_total", ("pool_id", "slow"));
        await using var pane = await TmuxPane.StartLlorchAsync(["run", "Once upon a time", "--model", SimServer.Slow, "--max-tokens", "500", .. Target]);

        // Tokens on screen: the sim writes words; wait for a good few of them.
        var streaming = await pane.WaitForScreenAsync(s => Regex.Matches(s, @"[a-z]{2,}").Count >= 12, "streamed tokens");
        Assert.False(streaming.Contains("llorch:", StringComparison.Ordinal) || streaming.Contains("[exit", StringComparison.Ordinal),
            $"llorch stopped instead of streaming:\n{streaming}");
        await LiveCli.WaitForAsync(async () => await ServerProbe.BusySlotsAsync(Http, "slow") == 1, "the run's task holds a slow slot");

        await pane.SendKeysAsync("C-c");
        var after = await pane.WaitForScreenAsync(s => s.Contains("[exit 130]", StringComparison.Ordinal), "run's exit after Ctrl-C");
        Assert.Contains("llorch: interrupted", after);

        // On the server: the task was cancelled (not left running for its 500 tokens) and its slot is free.
        await LiveCli.WaitForAsync(async () => await ServerProbe.CounterAsync(Http, "tasks_canceled_total", ("pool_id", "slow")) > canceledBefore, "the cancel counted");
        Assert.Equal(canceledBefore + 1, await ServerProbe.CounterAsync(Http, "tasks_canceled_total", ("pool_id", "slow")));
        await LiveCli.WaitForAsync(async () => await ServerProbe.BusySlotsAsync(Http, "slow") == 0, "the slow pool's slot is free");
    }

    [Fact]
    public async Task Chat_ctrl_c_cancels_the_running_turn_on_the_server_and_a_second_ctrl_c_quits()
    {
        await using var pane = await TmuxPane.StartLlorchAsync(["chat", "--model", SimServer.Slow, "--max-tokens", "500", .. Target]);
        // tmux's capture leaves out trailing blanks: the prompt "> " reads as ">".
        await pane.WaitForScreenAsync(s => s.Split('\n').Any(l => l.TrimEnd() == ">"), "chat's prompt");

        await pane.SendKeysAsync("-l", "tell me a story");
        await pane.SendKeysAsync("Enter");
        await pane.WaitForScreenAsync(s => Regex.Matches(s, @"[a-z]{2,}").Count >= 20, "the reply streaming");
        await pane.SendKeysAsync("C-c");
        var cancelled = await pane.WaitForScreenAsync(s => CancelledTurn().IsMatch(s), "the cancelled turn");

        // The turn's task, by its id, ended cancelled on the server.
        var taskId = CancelledTurn().Match(cancelled).Groups["id"].Value;
        var frames = await server.Orchestrator.StreamAsync(taskId);
        var end = frames[^1];
        Assert.Equal("end", end.Event);
        Assert.True(end.Bool("canceled"));

        // Back at the prompt: the chat goes on; a Ctrl-C there quits.
        await pane.WaitForScreenAsync(s => s.TrimEnd().EndsWith('>'), "the prompt again");
        await pane.SendKeysAsync("C-c");
        await pane.WaitForScreenAsync(s => s.Contains("[exit 130]", StringComparison.Ordinal), "chat's exit");
    }

    /// <summary>The slow pool's row in top's pools table, with its busy slots.</summary>
    [GeneratedRegex(@"│ slow\s+│[^│]*│ ready\s+│ 1/1\s+│ (?<busy>\d)/2\s+│")]
    private static partial Regex SlowRow();

    [GeneratedRegex(@"slow-r0\s+│ slow\s+│ ready\s+│ 1/2")]
    private static partial Regex SlowReplicaBusy();

    [GeneratedRegex(@"\[turn cancelled on the server: task (?<id>[0-9a-f-]{36})\]")]
    private static partial Regex CancelledTurn();
}

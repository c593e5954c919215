using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using LlamaOrch.EndToEnd.Tests;

namespace LlamaOrch.Client.Tests;

/// <summary>llorch chat as its own process with lines on stdin, against a real orchestratord (sim pools).</summary>
public sealed class CliChatTests(SimServer server) : IClassFixture<SimServer>
{
    private string[] Target => LiveCli.Target(server.Orchestrator.Address, Orchestrator.Token);

    [Fact]
    public async Task Each_line_is_a_turn_of_one_session_and_exit_ends_the_conversation()
    {
        var session = Guid.NewGuid().ToString();
        var (code, stdout, stderr) = await LiveCli.RunAsync(
            ["chat", "--model", SimServer.Fast, "-n", "5", "--session", session, "--json", .. Target],
            "first line\n\nsecond line\n/exit\nnever sent\n");

        Assert.True(code == 0, stderr);
        var turns = CliBatchTests.Lines(stdout);
        Assert.Equal([1, 2], turns.Select(t => t.GetProperty("turn").GetInt32()));
        Assert.All(turns, t => Assert.Equal(session, t.GetProperty("session_id").GetString()));
        Assert.All(turns, t => Assert.Equal(5, t.GetProperty("tokens_out").GetInt32()));
        // The second turn's prompt is the first's prompt and reply and the new line: more prompt tokens.
        Assert.True(turns[1].GetProperty("tokens_in").GetInt32() > turns[0].GetProperty("tokens_in").GetInt32() + 5);

        var report = await server.Orchestrator.Http.GetFromJsonAsync<JsonObject>($"/v1/sessions/{session}");
        Assert.Equal(2, report!["turns"]!.GetValue<int>());
    }

    [Fact]
    public async Task For_people_the_reply_is_streamed_and_each_turn_says_how_many_prompt_tokens_were_reused()
    {
        var (code, stdout, stderr) = await LiveCli.RunAsync(["chat", "--model", SimServer.Fast, "-n", "3", .. Target], "hello\nand again\n");

        Assert.True(code == 0, stderr);
        Assert.Equal(2, stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length); // one reply per turn
        Assert.Matches(@"^session [0-9a-f-]{36} ", stderr);
        Assert.Matches(@"\[turn 1: \d+ of \d+ prompt tokens reused from the KV cache \(slot: \w+\), 3 out, limit\]", stderr);
        Assert.Contains("[turn 2: ", stderr);
    }

    [Fact]
    public async Task A_session_that_is_not_a_uuid_is_refused_in_one_line()
    {
        var (code, _, stderr) = await LiveCli.RunAsync(["chat", "--session", "my-chat", .. Target], "");
        Assert.Equal(2, code); // an invalid argument, found before any request
        Assert.Equal("llorch: --session: 'my-chat' is not a uuid", stderr.Trim());
    }
}

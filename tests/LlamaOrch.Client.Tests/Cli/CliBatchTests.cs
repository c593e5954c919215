using System.Text.Json;
using LlamaOrch.EndToEnd.Tests;

namespace LlamaOrch.Client.Tests;

/// <summary>llorch batch as its own process against a real orchestratord (sim pools): JSONL in, JSONL out, bad lines, files.</summary>
public sealed class CliBatchTests(SimServer server) : IClassFixture<SimServer>
{
    private string[] Target => LiveCli.Target(server.Orchestrator.Address, Orchestrator.Token);

    [Fact]
    public async Task A_bad_line_is_reported_with_its_line_number_and_the_rest_of_the_batch_runs()
    {
        const string input = """
            {"id": "a", "prompt": "Once upon a time"}
            not json
            {"prompt": "x", "max_token": 3}

            "a plain string is a prompt"
            {"id": 7, "prompt": "last", "max_tokens": 2}
            [1, 2]
            """;
        var (code, stdout, stderr) = await LiveCli.RunAsync(["batch", "-", "--model", SimServer.Fast, "-n", "4", .. Target], input);

        Assert.Equal(1, code); // not every line became a finished task
        Assert.Contains("line 2: not JSON", stderr);
        Assert.Contains("line 3: max_token: not a member of a task", stderr);
        Assert.Contains("line 7: expected an object or a string", stderr);
        var results = Lines(stdout);
        Assert.Equal([1, 2, 3, 5, 6, 7], results.Select(r => r.GetProperty("line").GetInt32()));
        Assert.Equal("a", results[0].GetProperty("id").GetString());
        Assert.Equal(4, results[0].GetProperty("tokens_out").GetInt32());
        Assert.Equal("INVALID_LINE", results[1].GetProperty("error").GetProperty("code").GetString());
        Assert.Equal("max_token: not a member of a task (see POST /v1/tasks)", results[2].GetProperty("error").GetProperty("message").GetString());
        Assert.Equal(4, results[3].GetProperty("tokens_out").GetInt32());
        Assert.Equal(7, results[4].GetProperty("id").GetInt32());
        Assert.Equal(2, results[4].GetProperty("tokens_out").GetInt32());
        Assert.Equal("INVALID_LINE", results[5].GetProperty("error").GetProperty("code").GetString());
        Assert.Contains("done 3/6", stderr);
        Assert.Contains("invalid lines 3", stderr);
    }

    [Fact]
    public async Task A_file_in_and_a_file_out_keep_input_order_with_plain_progress_and_a_summary_on_a_pipe()
    {
        var dir = Directory.CreateTempSubdirectory("llorch-batch-");
        try
        {
            var input = Path.Combine(dir.FullName, "in.jsonl");
            var output = Path.Combine(dir.FullName, "out.jsonl");
            // Short and long tasks mixed, so they finish out of order.
            await File.WriteAllLinesAsync(input, Enumerable.Range(0, 20).Select(i =>
                $$"""{"id": "t{{i}}", "prompt": "prompt {{i}}", "max_tokens": {{(i % 2 == 0 ? 40 : 2)}}}"""));
            var before = await server.AdmittedAsync("fast");

            var (code, stdout, stderr) = await LiveCli.RunAsync(["batch", input, "--model", SimServer.Fast, "-o", output, .. Target]);

            Assert.True(code == 0, stderr);
            Assert.Equal("", stdout);
            var results = Lines(await File.ReadAllTextAsync(output));
            Assert.Equal(Enumerable.Range(0, 20).Select(i => $"t{i}"), results.Select(r => r.GetProperty("id").GetString()));
            Assert.Equal(Enumerable.Range(0, 20).Select(i => i % 2 == 0 ? 40 : 2), results.Select(r => r.GetProperty("tokens_out").GetInt32()));
            Assert.Equal(20, results.Select(r => r.GetProperty("task_id").GetString()).Distinct().Count());
            Assert.Contains("20/20 finished", stderr);
            Assert.Contains("done 20/20", stderr);
            Assert.Contains("failed 0", stderr);
            Assert.Equal(20, await server.AdmittedAsync("fast") - before); // one task per line, no more
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task The_summary_is_json_with_json_and_a_missing_file_is_one_line()
    {
        var (code, _, stderr) = await LiveCli.RunAsync(["batch", "-", "--model", SimServer.Fast, "-n", "3", "--json", .. Target], "\"one\"\n\"two\"\n");
        Assert.True(code == 0, stderr);
        var summary = JsonDocument.Parse(stderr.Trim()).RootElement;
        Assert.Equal(2, summary.GetProperty("done").GetInt32());
        Assert.Equal(6, summary.GetProperty("tokens_out").GetInt64());
        Assert.Equal(4, summary.GetProperty("initial_concurrency").GetInt32()); // the fast pool's 4 slots

        var (missing, _, missingError) = await LiveCli.RunAsync(["batch", "/nonexistent/tasks.jsonl", .. Target]);
        Assert.Equal(2, missing); // an invalid argument, found before any request
        Assert.Equal("llorch: /nonexistent/tasks.jsonl: no such file", missingError.Trim());

        // An output file that cannot be written: one line and exit 2, not a stack trace.
        var (unwritable, _, unwritableError) = await LiveCli.RunAsync(["batch", "-", "--model", SimServer.Fast, "-o", "/nonexistent/out.jsonl", .. Target], "\"one\"\n");
        Assert.Equal(2, unwritable);
        Assert.StartsWith("llorch: -o /nonexistent/out.jsonl: ", unwritableError.Trim(), StringComparison.Ordinal);
        Assert.Single(unwritableError.Trim().Split('\n'));
    }

    internal static List<JsonElement> Lines(string jsonl) =>
        [.. jsonl.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone())];
}

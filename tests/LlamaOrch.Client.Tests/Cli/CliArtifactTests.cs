namespace LlamaOrch.Client.Tests.Cli;

/// <summary><c>llorch artifact put|get|ls|lineage</c>: content from a file and from stdin.</summary>
[Collection(CliServer.Name)]
public sealed class CliArtifactTests(SimServer server)
{
    private readonly Llorch _llorch = new(server.Orchestrator.Address);

    [Fact]
    public async Task Artifacts_are_put_from_a_file_and_stdin_then_read_listed_and_traced()
    {
        var tag = "cli-" + Guid.NewGuid().ToString("N");
        var file = Path.Combine(Directory.CreateTempSubdirectory("llorch-cli-").FullName, "plan.json");
        await File.WriteAllTextAsync(file, """{"steps": ["read the failing test", "fix the parser"]}""");

        var plan = (await _llorch.RunAsync("artifact", "put", file, "--kind", "plan", "--tag", tag, "--json")).Json;
        var planId = plan.GetProperty("id").GetString()!;
        Assert.StartsWith("sha256:", planId);

        var diff = await _llorch.RunAsync(["artifact", "put", "-", "--kind", "diff", "--text", "--tag", tag, "--parent", planId],
            new LlorchStart { Stdin = "--- a/x\n+++ b/x\n" });
        Assert.True(diff.Code == 0, diff.ToString());
        var diffId = diff.Stdout.Split(' ')[0];
        Assert.StartsWith("sha256:", diffId);

        var content = await _llorch.RunAsync("artifact", "get", diffId, "--content");
        Assert.Equal("--- a/x\n+++ b/x\n", content.Stdout);
        var stored = (await _llorch.RunAsync("artifact", "get", planId, "--json")).Json;
        Assert.Equal("fix the parser", stored.GetProperty("content").GetProperty("steps")[1].GetString());

        var listed = (await _llorch.RunAsync("artifact", "ls", "--tag", tag, "--json")).Json;
        Assert.Equal([planId, diffId], listed.GetProperty("artifacts").EnumerateArray().Select(a => a.GetProperty("id").GetString()));
        var plans = await _llorch.RunAsync("artifact", "ls", "--tag", tag, "--kind", "plan");
        Assert.Contains(planId, plans.Stdout);
        Assert.DoesNotContain(diffId, plans.Stdout);

        var lineage = (await _llorch.RunAsync("artifact", "lineage", diffId, "--json")).Json;
        Assert.Equal([diffId, planId], lineage.GetProperty("chain").EnumerateArray().Select(a => a.GetProperty("id").GetString()));
        var table = await _llorch.RunAsync("artifact", "lineage", diffId);
        Assert.Contains(planId, table.Stdout);

        var again = (await _llorch.RunAsync("artifact", "put", file, "--kind", "plan", "--tag", tag, "--json")).Json;
        Assert.Equal(planId, again.GetProperty("id").GetString());
    }

    [Fact]
    public async Task Content_that_is_not_a_json_object_an_unknown_kind_or_a_missing_artifact_get_their_own_errors()
    {
        var offline = new LlorchStart { Url = "http://127.0.0.1:1" };
        var notJson = await _llorch.RunAsync(["artifact", "put", "-", "--kind", "plan"], offline with { Stdin = "not json" });
        Assert.Equal(2, notJson.Code);
        Assert.Contains("stdin: not JSON", notJson.Stderr);

        var array = await _llorch.RunAsync(["artifact", "put", "-", "--kind", "plan"], offline with { Stdin = "[1, 2]" });
        Assert.Equal(2, array.Code);
        Assert.Contains("must be a JSON object", array.Stderr);

        var kind = await _llorch.RunAsync(["artifact", "put", "-", "--kind", "poem"], offline with { Stdin = "{}" });
        Assert.Equal(2, kind.Code);

        var missing = await _llorch.RunAsync("artifact", "get", "sha256:" + new string('0', 64));
        Assert.Equal(6, missing.Code);
        Assert.Contains("NOT_FOUND", missing.Stderr);
    }
}

namespace LlamaOrch.Client.Tests.Cli;

/// <summary><c>llorch pool health|drain|resume|reload</c> against a real orchestratord.</summary>
[Collection(CliServer.Name)]
public sealed class CliPoolTests(SimServer server)
{
    private readonly Llorch _llorch = new(server.Orchestrator.Address);

    [Fact]
    public async Task Health_shows_the_pool_as_a_table_and_as_its_wire_json()
    {
        var table = await _llorch.RunAsync("pool", "health", "fast");
        Assert.True(table.Code == 0, table.ToString());
        Assert.Contains("fast", table.Stdout);
        Assert.Contains(SimServer.Fast, table.Stdout);
        Assert.DoesNotContain("\u001b[", table.Stdout); // a pipe gets no colour codes

        var json = (await _llorch.RunAsync("pool", "health", "fast", "--json")).Json;
        Assert.True(json.GetProperty("ready").GetBoolean());
        Assert.Equal(SimServer.Fast, json.GetProperty("model").GetString());
        Assert.Equal(1, json.GetProperty("metrics").GetProperty("replicas_ready").GetInt32());
    }

    [Fact]
    public async Task Drain_then_resume_changes_what_health_says()
    {
        try
        {
            var drained = (await _llorch.RunAsync("pool", "drain", "r", "--deadline", "30s", "--json")).Json;
            Assert.True(drained.GetProperty("draining").GetBoolean());
            Assert.Equal(30_000, drained.GetProperty("deadline_ms").GetInt64());
            Assert.True((await _llorch.RunAsync("pool", "health", "r", "--json")).Json.GetProperty("draining").GetBoolean());

            var resumed = await _llorch.RunAsync("pool", "resume", "r");
            Assert.True(resumed.Code == 0, resumed.ToString());
            Assert.Contains("admits tasks again", resumed.Stdout);
            Assert.False((await _llorch.RunAsync("pool", "health", "r", "--json")).Json.GetProperty("draining").GetBoolean());
        }
        finally
        {
            using var client = server.Client();
            await client.ResumePoolAsync("r");
        }
    }

    [Fact]
    public async Task Reload_switches_the_pools_model_and_back()
    {
        const string other = "sim:r-other?tps=500";
        try
        {
            var reloaded = await _llorch.RunAsync("pool", "reload", "r", other);
            Assert.True(reloaded.Code == 0, reloaded.ToString());
            Assert.Contains($"pool r serves {other}", reloaded.Stdout);
            Assert.Equal(other, (await _llorch.RunAsync("pool", "health", "r", "--json")).Json.GetProperty("model").GetString());

            var back = (await _llorch.RunAsync("pool", "reload", "r", SimServer.Reloadable, "--json")).Json;
            Assert.Equal(SimServer.Reloadable, back.GetProperty("model_ref").GetString());
        }
        finally
        {
            using var client = server.Client();
            if ((await client.GetPoolHealthAsync("r")).Value.Model != SimServer.Reloadable)
                await client.ReloadPoolAsync("r", SimServer.Reloadable);
        }
    }

    [Fact]
    public async Task An_unknown_pool_is_exit_6_naming_the_pools_there_are()
    {
        var result = await _llorch.RunAsync("pool", "health", "no-such-pool");

        Assert.Equal(6, result.Code);
        Assert.Contains("no pool 'no-such-pool'", result.Stderr);
        Assert.Contains("fast, slow, tiny, r", result.Stderr);
        Assert.Single(result.Stderr.Trim().Split('\n'));
        Assert.Empty(result.Stdout);
    }

    [Fact]
    public async Task A_drain_without_a_deadline_or_with_a_bad_one_is_refused_before_any_request()
    {
        // The port answers nothing: a usage error (2) rather than "cannot reach" (3) shows no request was tried.
        var start = new LlorchStart { Url = "http://127.0.0.1:1" };

        var missing = await _llorch.RunAsync(["pool", "drain", "r"], start);
        Assert.Equal(2, missing.Code);
        Assert.Contains("--deadline", missing.Stderr);

        var bad = await _llorch.RunAsync(["pool", "drain", "r", "--deadline", "soon"], start);
        Assert.Equal(2, bad.Code);
        Assert.Contains("'soon' is not a duration", bad.Stderr);
        Assert.DoesNotContain("   at ", bad.Stderr); // no stack trace
    }
}

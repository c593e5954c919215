using System.Security.Cryptography;
using LlamaOrch.Testing;

namespace LlamaOrch.Client.Tests.Cli;

/// <summary><c>llorch catalog add|get|ls|verify|state|rm</c> with stories260K (the shared models folder is an allowed root).</summary>
[Collection(CliServer.Name)]
public sealed class CliCatalogTests(SimServer server)
{
    private readonly Llorch _llorch = new(server.Orchestrator.Address);

    [Fact]
    public async Task A_model_goes_through_add_get_ls_verify_state_and_rm()
    {
        const string id = "cli-stories";
        var digest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(RepoPaths.Stories260K)));

        var sbom = Path.Combine(Directory.CreateTempSubdirectory("llorch-cli-").FullName, "sbom.json");
        await File.WriteAllTextAsync(sbom, """{"bomFormat": "CycloneDX", "specVersion": "1.5"}""");

        var added = (await _llorch.RunAsync("catalog", "add", id, "--source", RepoPaths.Stories260K, "--digest", digest,
            "--tag", "tiny", "--tag", "cli", "--sbom", sbom, "--require-sbom", "--json")).Json;
        Assert.Equal(id, added.GetProperty("id").GetString());
        Assert.Equal(["cli", "tiny"], added.GetProperty("tags").EnumerateArray().Select(t => t.GetString()).Order());
        Assert.True(added.GetProperty("trust_policy").GetProperty("require_sbom").GetBoolean());
        Assert.Equal("CycloneDX", added.GetProperty("sbom").GetProperty("bomFormat").GetString());

        var again = await _llorch.RunAsync("catalog", "add", id, "--source", RepoPaths.Stories260K);
        Assert.Equal(7, again.Code);
        Assert.Contains("CATALOG_CONFLICT", again.Stderr);

        var shown = await _llorch.RunAsync("catalog", "get", id);
        Assert.True(shown.Code == 0, shown.ToString());
        Assert.Contains(digest, shown.Stdout);
        Assert.Contains("Active", shown.Stdout);

        var listed = (await _llorch.RunAsync("catalog", "ls", "--all", "--json")).Json;
        Assert.Contains(listed.GetProperty("models").EnumerateArray(), m => m.GetProperty("id").GetString() == id);
        var table = await _llorch.RunAsync("catalog", "ls", "--limit", "1000");
        Assert.Contains(id, table.Stdout);

        var verified = await _llorch.RunAsync("catalog", "verify", id, "--wait", "--json");
        Assert.Equal("verified", verified.Json.GetProperty("verification").GetProperty("status").GetString());

        var retired = (await _llorch.RunAsync("catalog", "state", id, "Retired", "--deadline", "0", "--json")).Json;
        Assert.Equal("Retired", retired.GetProperty("state").GetString());
        var active = await _llorch.RunAsync("catalog", "state", id, "Active");
        Assert.Contains($"{id} is Active", active.Stdout);

        var removed = (await _llorch.RunAsync("catalog", "rm", id, "--json")).Json;
        Assert.True(removed.GetProperty("deleted").GetBoolean());
        var gone = await _llorch.RunAsync("catalog", "get", id);
        Assert.Equal(6, gone.Code);
        Assert.Contains("NOT_FOUND", gone.Stderr);
    }

    [Fact]
    public async Task A_verification_that_fails_is_exit_1_with_its_problems()
    {
        const string id = "cli-stories-strict";
        var added = await _llorch.RunAsync("catalog", "add", id, "--source", RepoPaths.Stories260K, "--trust", "strict");
        Assert.True(added.Code == 0, added.ToString());
        try
        {
            var verified = await _llorch.RunAsync("catalog", "verify", id, "--wait");

            Assert.Equal(1, verified.Code);
            Assert.Contains($"llorch: verification of {id} failed: ", verified.Stderr);
            Assert.Contains("failed", verified.Stdout);
        }
        finally
        {
            await _llorch.RunAsync("catalog", "rm", id);
        }
    }

    [Fact]
    public async Task Bad_arguments_are_refused_before_any_request()
    {
        var start = new LlorchStart { Url = "http://127.0.0.1:1" };

        var digest = await _llorch.RunAsync(["catalog", "add", "x", "--digest", "md5:abc"], start);
        Assert.Equal(2, digest.Code);
        Assert.Contains("not sha256:", digest.Stderr);

        var state = await _llorch.RunAsync(["catalog", "state", "x", "Gone"], start);
        Assert.Equal(2, state.Code);

        var sbom = await _llorch.RunAsync(["catalog", "add", "x", "--sbom", "/nonexistent/sbom.json"], start);
        Assert.Equal(2, sbom.Code);
        Assert.Contains("cannot read /nonexistent/sbom.json", sbom.Stderr);

        var limit = await _llorch.RunAsync(["catalog", "ls", "--limit", "0"], start);
        Assert.Equal(2, limit.Code);
        Assert.Contains("--limit: from 1 to 1000", limit.Stderr);
    }
}

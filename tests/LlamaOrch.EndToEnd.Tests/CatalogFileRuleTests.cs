using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using LlamaOrch.Engines.Models;
using LlamaOrch.Testing;

namespace LlamaOrch.EndToEnd.Tests;

/// <summary>
/// A catalog entry may only point at a GGUF file under the model roots (search paths, cache, allowed roots),
/// symlinks and '..' resolved: nothing else the server can read is registered, hashed or has its digest published.
/// </summary>
public sealed class CatalogFileRuleTests : IAsyncLifetime
{
    private readonly string _root = Directory.CreateTempSubdirectory("llorch-roots-").FullName;
    private string Library => Path.Combine(_root, "library");
    private Orchestrator _orchestrator = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Library);
        File.Copy(RepoPaths.Stories260K, Path.Combine(Library, "stories.gguf"));
        await File.WriteAllTextAsync(Path.Combine(Library, "notes.gguf"), "not a model");
        File.CreateSymbolicLink(Path.Combine(Library, "passwd.gguf"), "/etc/passwd");
        _orchestrator = await Orchestrator.StartAsync([
            .. Orchestrator.Pool(FastPoolFixture.Model), $"Catalog:AllowedRoots:0={Library}",
            $"Models:SearchPaths:0={RepoPaths.SharedModels}", "Models:Offline=true"]);
    }

    public async Task DisposeAsync()
    {
        await _orchestrator.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    public static TheoryData<string> Outside => new()
    {
        "file:/etc/shadow",
        "/etc/passwd",
        "file:/etc/no-such-file.gguf",
        "file:{library}/../../../../../../etc/passwd",
        "file:{library}/passwd.gguf",
    };

    [Theory]
    [MemberData(nameof(Outside))]
    public async Task A_file_outside_the_model_roots_is_refused_at_registration_naming_the_rule(string sourceUrl)
    {
        using var response = await RegisterAsync("outside", sourceUrl.Replace("{library}", Library, StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var envelope = await Orchestrator.ErrorOf(response);
        Assert.Equal("INVALID_PARAMS", envelope["code"]!.GetValue<string>());
        var message = envelope["message"]!.GetValue<string>();
        Assert.StartsWith("source_url: ", message, StringComparison.Ordinal);
        Assert.Contains("is not under the model roots", message, StringComparison.Ordinal);
        Assert.Contains("Orchestrator:Catalog:AllowedRoots", message, StringComparison.Ordinal);
        using var missing = await _orchestrator.Http.GetAsync("/v1/catalog/models/outside");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task A_file_under_a_root_that_is_not_gguf_is_refused()
    {
        using var response = await RegisterAsync("notes", "file:" + Path.Combine(Library, "notes.gguf"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("is not a GGUF file", (await Orchestrator.ErrorOf(response))["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_swapped_for_a_link_outside_after_registration_fails_verification_without_a_digest()
    {
        var model = Path.Combine(Library, "swapped.gguf");
        File.Copy(RepoPaths.Stories260K, model);
        using (var registered = await RegisterAsync("swapped", "file:" + model))
        {
            Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        }
        File.Delete(model);
        File.CreateSymbolicLink(model, "/etc/passwd");

        var verification = await VerifyAsync("swapped");

        Assert.Equal("failed", verification["status"]!.GetValue<string>());
        Assert.Null(verification["actual_digest"]?.GetValue<string>());
        Assert.Contains("is not under the model roots", Assert.Single(verification["problems"]!.AsArray())!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_gguf_file_under_an_allowed_root_registers_and_verifies()
    {
        using (var registered = await RegisterAsync("stories", "file:" + Path.Combine(Library, "stories.gguf")))
        {
            Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        }

        var verification = await VerifyAsync("stories");

        Assert.Equal("verified", verification["status"]!.GetValue<string>());
        Assert.Equal("sha256:" + Sha256(RepoPaths.Stories260K), verification["actual_digest"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(ModelStoreOptions.DefaultModelRef)]
    [InlineData("https://models.example/stories260K.gguf")]
    public async Task Hf_and_https_refs_register_and_verify_from_the_search_paths(string sourceUrl)
    {
        var id = sourceUrl.StartsWith("hf:", StringComparison.Ordinal) ? "from-hf" : "from-https";
        using (var registered = await RegisterAsync(id, sourceUrl))
        {
            Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        }

        var verification = await VerifyAsync(id);

        Assert.Equal("verified", verification["status"]!.GetValue<string>());
        Assert.Equal("sha256:" + ModelStoreOptions.DefaultModelSha256, verification["actual_digest"]!.GetValue<string>());
    }

    private Task<HttpResponseMessage> RegisterAsync(string id, string sourceUrl) =>
        _orchestrator.PostRawAsync("/v1/catalog/models", new JsonObject { ["id"] = id, ["source_url"] = sourceUrl }.ToJsonString());

    private async Task<JsonNode> VerifyAsync(string id)
    {
        using (var started = await _orchestrator.Http.PostAsync($"/v1/catalog/models/{id}/verify", null))
        {
            Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        }
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var verification = JsonNode.Parse(await _orchestrator.Http.GetStringAsync($"/v1/catalog/models/{id}", timeout.Token))!["verification"]!;
            if (verification["status"]!.GetValue<string>() is not ("pending" or "unverified")) return verification;
            await Task.Delay(50, timeout.Token);
        }
    }

    private static string Sha256(string path)
    {
        using var file = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(file));
    }
}

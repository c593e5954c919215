using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using LlamaOrch.Testing;

namespace LlamaOrch.EndToEnd.Tests;

/// <summary>
/// The model catalog over HTTP, with real model files, real signatures and a real SQLite database that
/// outlives a restart; tasks name models by catalog id and run on llorch-engine with llama.cpp.
/// </summary>
public sealed class CatalogTests : IDisposable
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("llorch-catalog-").FullName;
    private readonly string _library;
    private readonly string _model;
    private readonly string _digest;

    public CatalogTests()
    {
        // A catalog entry's file must lie under the model roots: this folder is one (Catalog:AllowedRoots).
        _library = Directory.CreateDirectory(Path.Combine(_dataDir, "library")).FullName;
        _model = Path.Combine(_library, "stories.gguf");
        File.Copy(RepoPaths.Stories260K, _model);
        using var file = File.OpenRead(_model);
        _digest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(file));
    }

    [Fact]
    public async Task A_registered_model_is_served_by_its_id_verified_and_remembered_across_a_restart()
    {
        await using (var orchestrator = await StartAsync())
        {
            using var created = await RegisterAsync(orchestrator, new JsonObject
            {
                ["id"] = "stories", ["source_url"] = _model, ["digest"] = _digest, ["tags"] = new JsonArray("tiny"),
            });
            var body = JsonNode.Parse(await created.Content.ReadAsStringAsync())!;
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            Assert.Equal("Active", body["state"]!.GetValue<string>());
            Assert.Equal("unverified", body["verification"]!["status"]!.GetValue<string>());
            Assert.Equal(["p"], body["pools"]!.AsArray().Select(p => p!.GetValue<string>()));

            using var again = await RegisterAsync(orchestrator, new JsonObject { ["id"] = "stories", ["source_url"] = _model });
            Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
            Assert.Equal("CATALOG_CONFLICT", (await Orchestrator.ErrorOf(again))["code"]!.GetValue<string>());

            using var verify = await orchestrator.Http.PostAsync("/v1/catalog/models/stories/verify", null);
            Assert.Equal(HttpStatusCode.Accepted, verify.StatusCode);
            var verified = await VerdictAsync(orchestrator, "stories");
            Assert.Equal("verified", verified["status"]!.GetValue<string>());
            Assert.Equal(_digest, verified["actual_digest"]!.GetValue<string>());

            var task = await orchestrator.AdmitAsync(Orchestrator.Task("stories", maxTokens: 6));
            var frames = await orchestrator.StreamAsync(task["task_id"]!.GetValue<string>());
            Assert.Equal("end", frames[^1].Event);
            Assert.Contains(frames, f => f.Event == "token");
        }

        await using (var restarted = await StartAsync())
        {
            var models = JsonNode.Parse(await restarted.Http.GetStringAsync("/v1/catalog/models"))!["models"]!.AsArray();
            var entry = Assert.Single(models)!;
            Assert.Equal("stories", entry["id"]!.GetValue<string>());
            Assert.Equal("verified", entry["verification"]!["status"]!.GetValue<string>());
            Assert.Equal(["tiny"], entry["tags"]!.AsArray().Select(t => t!.GetValue<string>()));

            using var busy = await restarted.Http.DeleteAsync("/v1/catalog/models/stories");
            Assert.Equal(HttpStatusCode.Conflict, busy.StatusCode);   // pool p serves it
            using var unknown = await restarted.Http.GetAsync("/v1/catalog/models/nope");
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        }
    }

    [Fact]
    public async Task Under_strict_trust_a_model_is_refused_until_a_trusted_signature_and_an_sbom_verify()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Directory.CreateDirectory(Path.Combine(_dataDir, "trusted-keys"));
        await File.WriteAllTextAsync(Path.Combine(_dataDir, "trusted-keys", "release.pem"), key.ExportSubjectPublicKeyInfoPem());
        var signature = Convert.ToBase64String(key.SignData(Encoding.ASCII.GetBytes(_digest), HashAlgorithmName.SHA256));
        using var stranger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var forged = Convert.ToBase64String(stranger.SignData(Encoding.ASCII.GetBytes(_digest), HashAlgorithmName.SHA256));
        await using var orchestrator = await StartAsync();

        using (await RegisterAsync(orchestrator, Strict("forged", forged)))
        {
        }
        using var refused = await orchestrator.SubmitAsync(Orchestrator.Task("forged"));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("UNTRUSTED_ARTIFACT", (await Orchestrator.ErrorOf(refused))["code"]!.GetValue<string>());
        using (await orchestrator.Http.PostAsync("/v1/catalog/models/forged/verify", null))
        {
        }
        var failed = await VerdictAsync(orchestrator, "forged");
        Assert.Equal("failed", failed["status"]!.GetValue<string>());
        using var stillRefused = await orchestrator.SubmitAsync(Orchestrator.Task("forged"));
        Assert.Equal(HttpStatusCode.BadRequest, stillRefused.StatusCode);

        // Same file, properly signed: the delete frees the source ref for a new entry.
        using (await orchestrator.Http.DeleteAsync("/v1/catalog/models/forged"))
        {
        }
        using (await RegisterAsync(orchestrator, Strict("signed", signature)))
        {
        }
        using (await orchestrator.Http.PostAsync("/v1/catalog/models/signed/verify", null))
        {
        }
        Assert.Equal("verified", (await VerdictAsync(orchestrator, "signed"))["status"]!.GetValue<string>());
        var admitted = await orchestrator.AdmitAsync(Orchestrator.Task("signed", maxTokens: 2));
        Assert.Equal("end", (await orchestrator.StreamAsync(admitted["task_id"]!.GetValue<string>()))[^1].Event);
    }

    [Fact]
    public async Task Retiring_a_model_refuses_its_tasks_stops_its_pool_and_reactivating_brings_it_back()
    {
        await using var orchestrator = await StartAsync();
        using (await RegisterAsync(orchestrator, new JsonObject { ["id"] = "stories", ["source_url"] = _model }))
        {
        }

        using var retire = await orchestrator.PostRawAsync("/v1/catalog/models/stories/state", """{"state": "Retired", "deadline_ms": 0}""");
        Assert.Equal(HttpStatusCode.Accepted, retire.StatusCode);
        Assert.Equal(["p"], JsonNode.Parse(await retire.Content.ReadAsStringAsync())!["pools"]!.AsArray().Select(p => p!.GetValue<string>()));

        using var deprecated = await orchestrator.SubmitAsync(Orchestrator.Task("stories"));
        Assert.Equal(HttpStatusCode.Forbidden, deprecated.StatusCode);
        Assert.Equal("MODEL_DEPRECATED", (await Orchestrator.ErrorOf(deprecated))["code"]!.GetValue<string>());
        // The pool drains and its replica's engine is stopped.
        await WaitAsync(async () => !(await orchestrator.Http.GetStringAsync("/v1/replicasets")).Contains("\"p-r0\""));
        var health = JsonNode.Parse(await orchestrator.Http.GetStringAsync("/v1/pools/p/health"))!;
        Assert.False(health["ready"]!.GetValue<bool>());
        Assert.Contains("retired", health["last_error"]!.GetValue<string>());

        using var activate = await orchestrator.PostRawAsync("/v1/catalog/models/stories/state", """{"state": "Active"}""");
        Assert.Equal(HttpStatusCode.Accepted, activate.StatusCode);
        await orchestrator.WaitUntilAsync(h => h["ready"]!.GetValue<bool>());
        var task = await orchestrator.AdmitAsync(Orchestrator.Task("stories", maxTokens: 2));
        Assert.Equal("end", (await orchestrator.StreamAsync(task["task_id"]!.GetValue<string>()))[^1].Event);

        using var bad = await orchestrator.PostRawAsync("/v1/catalog/models/stories/state", """{"state": "Gone"}""");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task Setting_an_active_model_active_again_leaves_a_drained_pool_drained()
    {
        await using var orchestrator = await StartAsync();
        using (await RegisterAsync(orchestrator, new JsonObject { ["id"] = "stories", ["source_url"] = _model }))
        {
        }
        using var drain = await orchestrator.PostRawAsync("/v1/pools/p/drain", """{"deadline_ms": 0}""");
        Assert.Equal(HttpStatusCode.Accepted, drain.StatusCode);

        using var active = await orchestrator.PostRawAsync("/v1/catalog/models/stories/state", """{"state": "Active"}""");

        Assert.Equal(HttpStatusCode.Accepted, active.StatusCode);
        Assert.True(JsonNode.Parse(await orchestrator.Http.GetStringAsync("/v1/pools/p/health"))!["draining"]!.GetValue<bool>());
        using var refused = await orchestrator.SubmitAsync(Orchestrator.Task("stories"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
    }

    [Fact]
    public async Task Verify_does_not_download_a_url_on_a_loopback_address_unless_the_operator_allows_it()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var url = $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/secret.gguf";
        var connected = listener.AcceptTcpClientAsync();
        await using (var orchestrator = await StartAsync())
        {
            using (await RegisterAsync(orchestrator, new JsonObject { ["id"] = "local", ["source_url"] = url }))
            {
            }
            using (await orchestrator.Http.PostAsync("/v1/catalog/models/local/verify", null))
            {
            }

            var verdict = await VerdictAsync(orchestrator, "local");

            Assert.Equal("failed", verdict["status"]!.GetValue<string>());
            Assert.Contains("Orchestrator:Catalog:AllowPrivateSourceHosts", verdict["problems"]![0]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.False(connected.IsCompleted);
        }

        await using (var allowed = await StartAsync("Catalog:AllowPrivateSourceHosts=true"))
        {
            using (await allowed.Http.PostAsync("/v1/catalog/models/local/verify", null))
            {
            }
            // The mirror is reached; it hangs up without an answer and stops listening, so the check fails on that.
            using (await connected.WaitAsync(TimeSpan.FromSeconds(30)))
            {
                listener.Stop();
            }
            Assert.Equal("failed", (await VerdictAsync(allowed, "local"))["status"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task Verify_of_an_entry_registered_again_under_the_same_id_starts_its_own_check()
    {
        // The first registration's check waits on a mirror that accepts and never answers.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var url = $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/slow.gguf";
        await using var orchestrator = await StartAsync("Catalog:AllowPrivateSourceHosts=true");
        using (await RegisterAsync(orchestrator, new JsonObject { ["id"] = "m", ["source_url"] = url }))
        {
        }
        using (await orchestrator.Http.PostAsync("/v1/catalog/models/m/verify", null))
        {
        }
        using var hanging = await listener.AcceptTcpClientAsync().WaitAsync(TimeSpan.FromSeconds(30));
        using (await orchestrator.Http.DeleteAsync("/v1/catalog/models/m"))
        {
        }
        using (await RegisterAsync(orchestrator, new JsonObject { ["id"] = "m", ["source_url"] = _model, ["digest"] = _digest }))
        {
        }

        using var verify = await orchestrator.Http.PostAsync("/v1/catalog/models/m/verify", null);

        Assert.Equal(HttpStatusCode.Accepted, verify.StatusCode);
        Assert.Equal("pending", JsonNode.Parse(await verify.Content.ReadAsStringAsync())!["status"]!.GetValue<string>());
        var verdict = await VerdictAsync(orchestrator, "m");
        Assert.Equal("verified", verdict["status"]!.GetValue<string>());
        Assert.Equal(_digest, verdict["actual_digest"]!.GetValue<string>());
    }

    private JsonObject Strict(string id, string signature) => new()
    {
        ["id"] = id,
        ["source_url"] = _model,
        ["digest"] = _digest,
        ["signatures"] = new JsonArray(new JsonObject { ["key_id"] = "release", ["algorithm"] = "ecdsa-p256-sha256", ["value"] = signature }),
        ["sbom"] = new JsonObject { ["bomFormat"] = "CycloneDX", ["specVersion"] = "1.5" },
        ["trust_policy"] = new JsonObject { ["mode"] = "strict" },
    };

    /// <summary>orchestratord on this test's data folder, with pool p serving the model file.</summary>
    private Task<Orchestrator> StartAsync(params string[] settings) =>
        Orchestrator.StartInAsync(_dataDir, true, [.. Orchestrator.Pool(_model, slots: 2), $"Catalog:AllowedRoots:0={_library}", .. settings]);

    private static Task<HttpResponseMessage> RegisterAsync(Orchestrator orchestrator, JsonObject body) =>
        orchestrator.PostRawAsync("/v1/catalog/models", body.ToJsonString());

    private static async Task<JsonNode> VerdictAsync(Orchestrator orchestrator, string id)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var verification = JsonNode.Parse(await orchestrator.Http.GetStringAsync($"/v1/catalog/models/{id}", timeout.Token))!["verification"]!;
            if (verification["status"]!.GetValue<string>() is not ("pending" or "unverified")) return verification;
            await Task.Delay(50, timeout.Token);
        }
    }

    private static async Task WaitAsync(Func<Task<bool>> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!await condition()) await Task.Delay(50, timeout.Token);
    }

    public void Dispose() => Directory.Delete(_dataDir, recursive: true);
}

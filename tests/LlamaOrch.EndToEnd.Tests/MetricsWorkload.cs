using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using LlamaOrch.Testing;

namespace LlamaOrch.EndToEnd.Tests;

/// <summary>
/// The workload the metrics tests run against pool "p" (one slot, a queue of one) serving a slow <c>sim:</c> model:
/// two catalog entries verified, one that passes and one registered with a wrong digest; one task done; one running
/// and one queued behind it while the caller looks (a fifth is refused with 429 by the full queue); then both cancelled.
/// </summary>
internal sealed class MetricsWorkload(string model) : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    /// <summary>A model root for the catalog entries.</summary>
    private readonly string _library = Directory.CreateTempSubdirectory("llorch-metrics-").FullName;

    /// <summary>orchestratord's settings for the workload.</summary>
    public string[] Settings => [.. Orchestrator.Pool(model, slots: 1, capacity: 1), $"Catalog:AllowedRoots:0={_library}"];

    public void Dispose() => Directory.Delete(_library, recursive: true);

    /// <param name="whileQueued">Runs while one task is running and one (priority batch) waits in the queue.</param>
    public async Task RunAsync(Orchestrator orchestrator, Func<Task> whileQueued)
    {
        var file = Path.Combine(_library, "stories.gguf");
        File.Copy(RepoPaths.Stories260K, file);
        await RegisterAndVerifyAsync(orchestrator, new JsonObject { ["id"] = "stories", ["source_url"] = file });
        await RegisterAndVerifyAsync(orchestrator, new JsonObject { ["id"] = "wrong-digest", ["source_url"] = file, ["digest"] = "sha256:" + new string('0', 64) });

        var done = await orchestrator.AdmitAsync(Orchestrator.Task(model, maxTokens: 4));
        Assert.Equal("end", (await orchestrator.StreamAsync(Id(done)))[^1].Event);
        var running = await orchestrator.AdmitAsync(Orchestrator.Task(model, maxTokens: 200));
        await orchestrator.WaitUntilAsync(h => h["pools"]![0]!["queue_depth"]!.GetValue<int>() == 0);
        var queued = await orchestrator.AdmitAsync(Orchestrator.Task(model, priority: "batch"));
        using (var refused = await orchestrator.SubmitAsync(Orchestrator.Task(model)))
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        await whileQueued();
        await orchestrator.CancelAsync(Id(queued));
        await orchestrator.CancelAsync(Id(running));
    }

    /// <summary>Registers an entry and waits for its verification's verdict (verifications run in the background).</summary>
    private static async Task RegisterAndVerifyAsync(Orchestrator orchestrator, JsonObject registration)
    {
        var id = registration["id"]!.GetValue<string>();
        using (var registered = await orchestrator.PostRawAsync("/v1/catalog/models", registration.ToJsonString()))
            Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        using (var verify = await orchestrator.Http.PostAsync($"/v1/catalog/models/{id}/verify", null))
            Assert.Equal(HttpStatusCode.Accepted, verify.StatusCode);
        using var timeout = new CancellationTokenSource(Patience);
        while ((await orchestrator.Http.GetFromJsonAsync<JsonObject>($"/v1/catalog/models/{id}"))!["verification"]!["status"]!.GetValue<string>() == "pending")
            await Task.Delay(50, timeout.Token);
    }

    private static string Id(JsonObject admitted) => admitted["task_id"]!.GetValue<string>();
}

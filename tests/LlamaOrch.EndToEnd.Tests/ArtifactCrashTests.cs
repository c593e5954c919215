using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using LlamaOrch.Engines.Supervision;
using Xunit.Abstractions;
using static LlamaOrch.EndToEnd.Tests.OrchestratordProcess;

namespace LlamaOrch.EndToEnd.Tests;

/// <summary>
/// orchestratord killed with SIGKILL while artifacts are being written, again and again: after each restart every
/// listed artifact reads back whole and hashes to its id, every acknowledged one is still there, and no temporary
/// file is left.
/// </summary>
public sealed class ArtifactCrashTests(ITestOutputHelper output)
{
    private const int Rounds = 6;
    private const int Writers = 4;

    [Fact]
    public async Task A_kill_mid_write_leaves_only_whole_artifacts_and_keeps_every_acknowledged_one()
    {
        var dataDir = Directory.CreateTempSubdirectory("llorch-artifact-crash-").FullName;
        var artifactsDir = Path.Combine(dataDir, "artifacts");
        var acknowledged = new ConcurrentBag<string>();
        // Files the store did not make are left alone by its clean-up, whatever their suffix.
        Directory.CreateDirectory(artifactsDir);
        var foreign = new[] { Path.Combine(artifactsDir, "notes.json"), Path.Combine(artifactsDir, "draft.tmp") };
        foreach (var file in foreign) await File.WriteAllTextAsync(file, "{}");
        try
        {
            for (var round = 0; round < Rounds; round++)
            {
                await using (var running = await StartAsync(dataDir))
                {
                    await CheckAsync(running.Http, artifactsDir, acknowledged);
                    using var stop = new CancellationTokenSource();
                    var writers = Enumerable.Range(0, Writers).Select(writer => WriteUntilKilledAsync(running.Http, round, writer, acknowledged, stop.Token)).ToArray();
                    // Let some writes finish and catch others in flight; how many of each does not matter.
                    await WaitForAsync(() => acknowledged.Count >= (round + 1) * Writers);
                    running.Kill();
                    await stop.CancelAsync();
                    await Task.WhenAll(writers);
                }
                // Whether the kill caught a write half-done is chance; the output says how often it did.
                output.WriteLine($"round {round}: {Directory.EnumerateFiles(artifactsDir, "*.tmp").Count()} temporary file(s) left by the kill, "
                                 + $"{Directory.EnumerateFiles(artifactsDir, "*.json").Count()} file(s), {acknowledged.Count} acknowledged so far");
            }
            Assert.All(foreign, file => Assert.True(File.Exists(file), $"{file} was removed"));
            foreach (var file in foreign) File.Delete(file);
            await using var last = await StartAsync(dataDir);
            await CheckAsync(last.Http, artifactsDir, acknowledged);
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    private static async Task WriteUntilKilledAsync(HttpClient http, int round, int writer, ConcurrentBag<string> acknowledged, CancellationToken stop)
    {
        // Large enough that a write is often in flight when the kill lands, just under the 1 MiB body limit.
        var filler = new string((char)('a' + writer), 900_000);
        for (var n = 0; !stop.IsCancellationRequested; n++)
        {
            var body = $"{{\"kind\":\"logs\",\"content\":{{\"round\":{round},\"writer\":{writer},\"n\":{n},\"text\":\"{filler}\"}}}}";
            try
            {
                using var response = await http.PostAsync("/v1/artifacts", new StringContent(body, Encoding.UTF8, "application/json"), stop);
                if (response.StatusCode != HttpStatusCode.Created) continue;
                acknowledged.Add(JsonNode.Parse(await response.Content.ReadAsStringAsync(stop))!["id"]!.GetValue<string>());
            }
            catch (Exception error) when (error is HttpRequestException or OperationCanceledException or IOException)
            {
                return; // killed
            }
        }
    }

    private static async Task CheckAsync(HttpClient http, string artifactsDir, ConcurrentBag<string> acknowledged)
    {
        Assert.DoesNotContain(Directory.EnumerateFiles(artifactsDir, "*.tmp"), f => !f.EndsWith("draft.tmp", StringComparison.Ordinal));
        var listed = new List<string>();
        string? cursor = null;
        do
        {
            var page = JsonNode.Parse(await http.GetStringAsync("/v1/artifacts?limit=1000" + (cursor is null ? "" : $"&cursor={cursor}")))!;
            listed.AddRange(page["artifacts"]!.AsArray().Select(a => a!["id"]!.GetValue<string>()));
            cursor = page["next_cursor"]?.GetValue<string>();
        } while (cursor is not null);

        foreach (var id in listed)
        {
            var bytes = await File.ReadAllBytesAsync(Path.Combine(artifactsDir, id["sha256:".Length..] + ".json"));
            Assert.Equal(id, "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes)));
            using var response = await http.GetAsync($"/v1/artifacts/{id}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        Assert.Subset(listed.ToHashSet(), acknowledged.ToHashSet());
        Assert.Equal(listed.Count, Directory.EnumerateFiles(artifactsDir, "*.json").Count(f => !f.EndsWith("notes.json", StringComparison.Ordinal)));
    }

    private static async Task<Running> StartAsync(string dataDir)
    {
        var port = FreePort.Next();
        var process = Start(
            ["--urls", $"http://127.0.0.1:{port}", $"--Orchestrator:DataDir={dataDir}",
             "--Orchestrator:Pools:0:Id=p", "--Orchestrator:Pools:0:Model=sim:p?tps=500"]);
        var running = new Running(process, new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = new Uri($"http://127.0.0.1:{port}") });
        _ = CollectStdout(process);
        process.BeginErrorReadLine();
        // Ready means the pool's engine is up, so the engines to clean up after the kill are all known.
        await WaitReadyAsync(running.Http);
        // No token configured on loopback: orchestratord generated one into its data folder.
        running.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await File.ReadAllTextAsync(Path.Combine(dataDir, "api-token")));
        running.Engines.AddRange(ChildProcessIds(process.Id));
        return running;
    }

    private sealed class Running(System.Diagnostics.Process process, HttpClient http) : IAsyncDisposable
    {
        public HttpClient Http { get; } = http;

        public List<int> Engines { get; } = [];

        public void Kill()
        {
            Assert.Equal(0, OrchestratordProcess.Kill(process.Id, "KILL"));
            process.WaitForExit();
        }

        public async ValueTask DisposeAsync()
        {
            if (!process.HasExited)
            {
                OrchestratordProcess.Kill(process.Id, "TERM");
                await process.WaitForExitAsync();
            }
            // A SIGKILLed orchestratord cannot stop its engines; the test does.
            foreach (var engine in Engines.Where(IsAlive)) OrchestratordProcess.Kill(engine, "KILL");
            Http.Dispose();
            process.Dispose();
        }
    }
}

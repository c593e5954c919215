using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using LlamaOrch.Testing;

namespace LlamaOrch.EndToEnd.Tests.LlamaServer;

/// <summary>
/// A real llama-server that orchestratord does not start (the test starts it, as someone else's server) as the
/// reference upstream of a pool, through the llama.cpp protocol and through its OpenAI-compatible <c>/v1</c> (issue 18).
/// Skipped where no llama-server is built (<see cref="LlamaServerBuild"/>).
/// </summary>
public sealed class LlamaServerUpstreamTests
{
    private static readonly string Model = "file:" + RepoPaths.Stories260K;

    /// <summary>A grammar no text completes (every "a" must be followed by another), so the model never ends its story: a stream that lasts until it is cancelled or reaches max_tokens.</summary>
    private const string Endless = "root ::= \"a\" root";

    private static string[] UpstreamPool(Uri url, string protocol, params string[] more) =>
    [
        "Pools:0:Id=p", $"Pools:0:Model={Model}", "Pools:0:Ctx=2048", $"Pools:0:Upstreams:0:Url={url}", $"Pools:0:Upstreams:0:Protocol={protocol}",
        .. more,
    ];

    [LlamaServerFact]
    public async Task Through_the_llamacpp_protocol_tasks_stream_with_counts_cancel_frees_the_slot_and_slots_come_from_props()
    {
        await using var server = await LlamaServerProcess.StartAsync("-np", "3", "-c", "6144");
        await using var orchestrator = await Orchestrator.StartAsync(UpstreamPool(server.Url, "llamacpp"));

        // The slots and the version are the server's own (/props), not the pool's Slots (4 by default).
        var replica = (await orchestrator.Http.GetFromJsonAsync<JsonArray>("/v1/replicasets"))!.Single()!;
        Assert.Equal(3, replica["slots_total"]!.GetValue<int>());
        Assert.StartsWith("llama.cpp ", replica["engine_version"]!.GetValue<string>());
        var capability = (await orchestrator.Http.GetFromJsonAsync<JsonObject>("/v1/capabilities"))!["engines"]![0]!;
        Assert.Equal(3, capability["slots"]!.GetValue<int>());
        Assert.Equal(replica["engine_version"]!.GetValue<string>(), capability["engine_version"]!.GetValue<string>());
        // Someone else's server may run other clients' work beside ours: strict determinism is not promised.
        Assert.False(capability["features"]!["determinism_strict"]!.GetValue<bool>());

        var frames = await orchestrator.StreamAsync((await orchestrator.AdmitAsync(Orchestrator.Task(Model, maxTokens: 16, seed: 5)))["task_id"]!.GetValue<string>());
        Assert.Equal("p-u0", frames.Single(f => f.Event == "started").Str("replica_id"));
        var end = frames[^1];
        Assert.Equal("end", end.Event);
        Assert.Equal(await server.CountTokensAsync("Once upon a time"), end.Int("tokens_in"));
        Assert.InRange(end.Int("tokens_out"), 1, 16);
        Assert.Matches("[a-z]{3,}", string.Concat(frames.Where(f => f.Event == "token").Select(f => f.Str("t"))));

        await CancelMidStreamAsync(orchestrator, body => body["grammar"] = Endless);
        // Closing the request stopped the server's generation: its slots are idle again.
        await WaitUntilIdleAsync(server);
    }

    [LlamaServerFact]
    public async Task Through_its_openai_v1_tasks_stream_with_usage_counts_and_cancel()
    {
        await using var server = await LlamaServerProcess.StartAsync("-np", "2", "-c", "4096");
        await using var orchestrator = await Orchestrator.StartAsync(UpstreamPool(new Uri(server.Url, "/v1"), "openai", "Pools:0:Slots=2"));

        var replica = (await orchestrator.Http.GetFromJsonAsync<JsonArray>("/v1/replicasets"))!.Single()!;
        Assert.Equal(2, replica["slots_total"]!.GetValue<int>()); // OpenAI's API does not say: as configured
        Assert.StartsWith("openai-compatible (llamacpp", replica["engine_version"]!.GetValue<string>());
        Assert.False((await orchestrator.Http.GetFromJsonAsync<JsonObject>("/v1/capabilities"))!["engines"]![0]!["features"]!["determinism_strict"]!.GetValue<bool>());

        var frames = await orchestrator.StreamAsync((await orchestrator.AdmitAsync(Orchestrator.Task(Model, maxTokens: 16, seed: 5)))["task_id"]!.GetValue<string>());
        var end = frames[^1];
        Assert.Equal("end", end.Event);
        // From the server's usage, which counts the BOS it adds.
        Assert.Equal(await server.CountTokensAsync("Once upon a time"), end.Int("tokens_in"));
        Assert.InRange(end.Int("tokens_out"), 1, 16);
        Assert.Matches("[a-z]{3,}", string.Concat(frames.Where(f => f.Event == "token").Select(f => f.Str("t"))));

        // No grammar over this protocol: a long story, cancelled at its second token.
        await CancelMidStreamAsync(orchestrator, body => body["max_tokens"] = 1500);
        await WaitUntilIdleAsync(server);
    }

    /// <summary>A long task cancelled at its second token ends cancelled, with no token after the cancel.</summary>
    private static async Task CancelMidStreamAsync(Orchestrator orchestrator, Action<JsonObject> shape)
    {
        var body = Orchestrator.Task(Model, maxTokens: 1900, seed: 7, ctx: 2048);
        shape(body);
        var id = (await orchestrator.AdmitAsync(body))["task_id"]!.GetValue<string>();
        var seen = new List<SseFrame>();
        await foreach (var frame in orchestrator.FollowAsync(id))
        {
            seen.Add(frame);
            if (frame.Event == "token" && frame.Int("i") == 1) Assert.Equal(HttpStatusCode.NoContent, await orchestrator.CancelAsync(id));
        }
        var end = seen[^1];
        Assert.Equal("end", end.Event);
        Assert.True(end.Bool("canceled"), end.Data.GetRawText());
        Assert.Equal(seen.Count(f => f.Event == "token"), end.Int("tokens_out"));
    }

    /// <summary>Waits until llama-server's <c>/slots</c> shows no slot processing.</summary>
    private static async Task WaitUntilIdleAsync(LlamaServerProcess server)
    {
        using var http = new HttpClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var slots = (await http.GetFromJsonAsync<JsonArray>(new Uri(server.Url, "/slots"), timeout.Token))!;
            if (slots.All(s => !s!["is_processing"]!.GetValue<bool>())) return;
            await Task.Delay(50, timeout.Token);
        }
    }
}

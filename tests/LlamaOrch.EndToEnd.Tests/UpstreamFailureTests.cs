using LlamaOrch.Engines.Tests.Upstreams;

namespace LlamaOrch.EndToEnd.Tests;

/// <summary>
/// An upstream of each protocol that stalls mid-stream (holds its response open and sends nothing), answers garbage,
/// cuts its connection, or ends its stream cleanly before the protocol's last event, behind a real orchestratord: the task ends with a retriable <c>WORKER_RESET</c> error frame
/// naming the pool's engine, the replica leaves dispatch (the pool's <c>last_error</c> names it), and it is back once
/// its health check passes again. 127.0.0.1 stand-ins answer each protocol's documented format.
/// </summary>
public sealed class UpstreamFailureTests
{
    private const string Model = "hf:example/tiny/tiny.gguf";

    public static TheoryData<string, string> Cases()
    {
        var cases = new TheoryData<string, string>();
        foreach (var protocol in new[] { "llamacpp", "openai", "tgi", "triton" })
            foreach (var behaviour in new[] { nameof(StandInBehaviour.Stalls), nameof(StandInBehaviour.Garbage), nameof(StandInBehaviour.Drops) })
                cases.Add(protocol, behaviour);
        // A clean end before the protocol's last event; Triton's stream has no end marker, so there it is the end.
        foreach (var protocol in new[] { "llamacpp", "openai", "tgi" }) cases.Add(protocol, nameof(StandInBehaviour.EndsEarly));
        return cases;
    }

    internal static string EngineOf(string protocol) => protocol switch { "openai" => "vllm", "llamacpp" => "llamacpp", _ => protocol };

    internal static string[] Pool(string protocol, Uri url, params string[] more) =>
    [
        "Pools:0:Id=u", $"Pools:0:Engine={EngineOf(protocol)}", $"Pools:0:Model={Model}", "Pools:0:Slots=2", "Pools:0:Replicas=0",
        $"Pools:0:Upstreams:0:Url={url}", $"Pools:0:Upstreams:0:Protocol={protocol}",
        .. protocol switch
        {
            "openai" => new[] { "Pools:0:Upstreams:0:Model=tiny" },
            "triton" => [$"Pools:0:Upstreams:0:Model={TritonStandIn.Model}"],
            _ => [],
        },
        .. more,
    ];

    internal static System.Text.Json.Nodes.JsonObject TaskFor(string protocol)
    {
        var body = Orchestrator.Task(Model, prompt: "Once", maxTokens: 8);
        body["engine"] = EngineOf(protocol);
        return body;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_misbehaving_upstream_fails_its_task_with_worker_reset_and_leaves_dispatch_until_its_health_check_passes(string protocol, string behaviour)
    {
        await using var standIn = await StandInServer.StartAsync(protocol);
        // A long health beat, so that the replica is seen out of dispatch before a check brings it back; a short stall timeout.
        await using var orchestrator = await Orchestrator.StartAsync(Pool(protocol, standIn.Url,
            "Pools:0:Upstreams:0:StallTimeoutSeconds=0.5", "Supervisor:HealthIntervalMs=4000"));
        standIn.Mode = Enum.Parse<StandInBehaviour>(behaviour);

        var frames = await orchestrator.StreamAsync((await orchestrator.AdmitAsync(TaskFor(protocol)))["task_id"]!.GetValue<string>());
        var error = frames[^1];
        Assert.Equal("error", error.Event);
        Assert.Equal("WORKER_RESET", error.Str("code"));
        Assert.Equal(EngineOf(protocol), error.Str("engine"));
        Assert.True(error.Bool("retriable"));
        if (behaviour == nameof(StandInBehaviour.Stalls))
        {
            Assert.Contains("stalled: sent no byte for 0.5 s", error.Str("message"));
            await standIn.Aborted.Task.WaitAsync(TimeSpan.FromSeconds(30)); // the stalled request was closed, its slot freed
        }
        var pool = (await orchestrator.HealthAsync())["pools"]![0]!;
        Assert.Equal(0, pool["replicas_ready"]!.GetValue<int>());
        Assert.Contains("u-u0", pool["last_error"]!.GetValue<string>());

        // The server behaves again and answers its health check: the replica is back and serves.
        standIn.Mode = StandInBehaviour.Documented;
        await orchestrator.WaitUntilAsync(h => h["pools"]![0]!["replicas_ready"]!.GetValue<int>() == 1 && h["pools"]![0]!["last_error"] is null);
        var next = await orchestrator.StreamAsync((await orchestrator.AdmitAsync(TaskFor(protocol)))["task_id"]!.GetValue<string>());
        Assert.Equal("end", next[^1].Event);
        Assert.Equal("Once upon", string.Concat(next.Where(f => f.Event == "token").Select(f => f.Str("t"))));
    }
}

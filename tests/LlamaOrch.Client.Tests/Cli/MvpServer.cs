using LlamaOrch.EndToEnd.Tests;
using LlamaOrch.Testing;

namespace LlamaOrch.Client.Tests;

/// <summary>
/// The MVP acceptance tests' orchestratord (real, in this process, on 127.0.0.1:0) with real llorch-engine replicas:
/// <c>story</c> serves stories260K (real llama.cpp inference, KV reuse) with 2 slots; <c>held</c> a slow sim model
/// with 2 slots and a queue of 2, which a test can hold full so that every submission beyond it is a 429.
/// </summary>
public sealed class MvpServer : IAsyncLifetime
{
    public const string Held = "sim:held?tps=20";

    public static string Story => RepoPaths.Stories260K;

    internal Orchestrator Orchestrator { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Orchestrator = await Orchestrator.StartAsync([
            "Pools:0:Id=story", $"Pools:0:Model={Story}", "Pools:0:Slots=2", "Pools:0:Queue:Capacity=8", "Pools:0:Ctx=512",
            "Pools:1:Id=held", $"Pools:1:Model={Held}", "Pools:1:Slots=2", "Pools:1:Queue:Capacity=2", "Pools:1:Queue:Policy=reject", "Pools:1:Ctx=512",
        ]);

    public async Task DisposeAsync() => await Orchestrator.DisposeAsync();
}

using LlamaOrch.Testing;

namespace LlamaOrch.EndToEnd.Tests.Conformance;

/// <summary>
/// One real orchestratord and, in front of it, one Prism proxy per OpenAPI document. Pool <c>p</c> serves
/// stories260K through llama.cpp (completion and embedding); pool <c>slow</c> (a sim model at 20 tokens/s, one
/// slot, a queue of one) is what a test fills to provoke a full queue or keeps busy to cancel.
/// </summary>
public sealed class ConformanceFixture : IAsyncLifetime
{
    public const string Slow = "sim:conformance-slow?tps=20";

    public static string Stories => "file:" + RepoPaths.Stories260K;

    internal Orchestrator Orchestrator { get; private set; } = null!;

    internal PrismProxy Data { get; private set; } = null!;

    internal PrismProxy Control { get; private set; } = null!;

    internal PrismProxy OpenAi { get; private set; } = null!;

    internal PrismProxy Anthropic { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Orchestrator = await Orchestrator.StartAsync(
        [
            .. Orchestrator.Pool(Stories, slots: 2, ctx: 2048), "Pools:0:Workloads:0=completion", "Pools:0:Workloads:1=embedding",
            "Pools:1:Id=slow", $"Pools:1:Model={Slow}", "Pools:1:Slots=1", "Pools:1:Replicas=1",
            "Pools:1:Queue:Capacity=1", "Pools:1:Queue:Policy=reject", "Pools:1:Ctx=4096",
            // Budgets on, so that a session budget can be set.
            "Budgets:Mode=advisory",
        ]);
        // Prism takes seconds to read a document: the four start side by side.
        var proxies = await Task.WhenAll(
            new[] { OpenApiContracts.Data, OpenApiContracts.Control, OpenApiContracts.OpenAi, OpenApiContracts.Anthropic }
                .Select(document => PrismProxy.StartAsync(document, Orchestrator.Address)));
        (Data, Control, OpenAi, Anthropic) = (proxies[0], proxies[1], proxies[2], proxies[3]);
    }

    public async Task DisposeAsync()
    {
        foreach (var proxy in new[] { Data, Control, OpenAi, Anthropic })
        {
            if (proxy is not null) await proxy.DisposeAsync();
        }
        if (Orchestrator is not null) await Orchestrator.DisposeAsync();
    }
}

/// <summary>The conformance classes share one orchestratord and its proxies, and so run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class ConformanceCollection : ICollectionFixture<ConformanceFixture>
{
    public const string Name = "conformance";
}

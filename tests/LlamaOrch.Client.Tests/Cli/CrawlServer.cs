using LlamaOrch.EndToEnd.Tests;

namespace LlamaOrch.Client.Tests.Cli;

/// <summary>
/// An orchestratord whose one pool, <c>crawl</c>, has one slot, a queue of one and a sim model at 2 tokens/s: two long
/// tasks keep it full until they are cancelled, so a third is refused with 429 for as long as a test needs.
/// </summary>
public sealed class CrawlServer : IAsyncLifetime
{
    public const string Model = "sim:crawl?tps=2";

    internal Orchestrator Orchestrator { get; private set; } = null!;

    public async Task InitializeAsync() => Orchestrator = await Orchestrator.StartAsync(Orchestrator.Pool(Model, slots: 1, capacity: 1));

    public async Task DisposeAsync() => await Orchestrator.DisposeAsync();
}

using Anthropic;
using Anthropic.Core;
using LlamaOrch.Testing;

namespace LlamaOrch.EndToEnd.Tests;

/// <summary>
/// One orchestratord for the Anthropic door's tests: pool <c>p</c> serves stories260K through llama.cpp; pool
/// <c>slow</c> (a sim model at 20 tokens/s, one slot, a queue of one) is what a test fills to see a full queue or
/// a long generation to cancel.
/// </summary>
public sealed class AnthropicFixture : IAsyncLifetime
{
    public const string Slow = "sim:anthropic-slow?tps=20";

    public static string Stories => "file:" + RepoPaths.Stories260K;

    internal Orchestrator Orchestrator { get; private set; } = null!;

    public async Task InitializeAsync() => Orchestrator = await Orchestrator.StartAsync(
    [
        // 2048: the fallback template's tool instructions alone are a few hundred of stories260K's short tokens.
        .. Orchestrator.Pool(Stories, slots: 2, ctx: 2048),
        "Pools:1:Id=slow", $"Pools:1:Model={Slow}", "Pools:1:Slots=1", "Pools:1:Replicas=1",
        "Pools:1:Queue:Capacity=1", "Pools:1:Queue:Policy=reject", "Pools:1:Ctx=4096",
    ]);

    public async Task DisposeAsync() => await Orchestrator.DisposeAsync();

    /// <summary>The official SDK, unmodified, pointed at orchestratord; the token goes as <c>Authorization: Bearer</c>.</summary>
    internal AnthropicClient Client(int maxRetries = 0, HttpMessageHandler? handler = null, string? token = Orchestrator.Token) => new(new ClientOptions
    {
        BaseUrl = Orchestrator.Address.ToString().TrimEnd('/'),
        AuthToken = token,
        ApiKey = null,
        MaxRetries = maxRetries,
        Timeout = TimeSpan.FromSeconds(60),
        HttpClient = new HttpClient(handler ?? new SocketsHttpHandler { UseProxy = false }),
    });
}

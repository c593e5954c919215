namespace LlamaOrch.EndToEnd.Tests;

/// <summary>One orchestratord with a fast sim pool, shared by the tests of a class.</summary>
public sealed class FastPoolFixture : IAsyncLifetime
{
    public const string Model = "sim:fast?tps=2000";

    internal Orchestrator Orchestrator { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Orchestrator = await Orchestrator.StartAsync([.. Orchestrator.Pool(Model, slots: 2, ctx: 256), "Limits:MaxPromptChars=1000", "Limits:MaxBodyBytes=4000"]);

    public async Task DisposeAsync() => await Orchestrator.DisposeAsync();
}

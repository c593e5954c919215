namespace LlamaOrch.EngineHost.Tests.Harness;

/// <summary>One engine shared by the tests of a class, which xunit runs one after another.</summary>
public abstract class EngineFixture(string model, params string[] args) : IAsyncLifetime
{
    private EngineProcess? _engine;

    public string Model => model;

    internal EngineProcess Engine => _engine ?? throw new InvalidOperationException("The engine is not started.");

    internal HttpClient Http => Engine.Http;

    public async Task InitializeAsync() => _engine = await EngineProcess.StartAsync(model, args);

    public async Task DisposeAsync()
    {
        if (_engine is not null)
        {
            await _engine.DisposeAsync();
        }
    }
}

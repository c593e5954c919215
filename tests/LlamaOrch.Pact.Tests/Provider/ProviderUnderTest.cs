using LlamaOrch.EndToEnd.Tests;
using LlamaOrch.Testing;
using static LlamaOrch.Pact.Tests.Contract.CliPact;

namespace LlamaOrch.Pact.Tests.Provider;

/// <summary>
/// The provider the pact is verified against: a real orchestratord on 127.0.0.1 with a pool per condition the pact's
/// states make (sim pools; <c>stories</c> runs stories260K through llama.cpp), budgets advisory, and a catalog root of
/// its own holding copies of stories260K (a catalog entry owns its file, so each entry the states register gets one).
/// </summary>
internal sealed class ProviderUnderTest : IAsyncDisposable
{
    private ProviderUnderTest(Orchestrator orchestrator, TempDirectory models)
    {
        Orchestrator = orchestrator;
        Models = models;
    }

    public Orchestrator Orchestrator { get; }

    public TempDirectory Models { get; }

    /// <summary>The model file of catalog entry <paramref name="modelId"/> (a copy of stories260K in the catalog root).</summary>
    public string ModelFile(string modelId) => Models.Combine(modelId + ".gguf");

    public static async Task<ProviderUnderTest> StartAsync()
    {
        var models = new TempDirectory();
        foreach (var id in new[] { RetiredModel, CatalogModel, NewCatalogModel })
            File.Copy(RepoPaths.Stories260K, models.Combine(id + ".gguf"));
        try
        {
            var orchestrator = await Orchestrator.StartAsync([
                .. Pool(0, "fast", FastModel, slots: 4, capacity: 64),
                .. Pool(1, "tiny", TinyModel, slots: 1, capacity: 1),
                .. Pool(2, "slow", SlowModel, slots: 2, capacity: 8),
                .. Pool(3, FragilePool, FragileModel, slots: 1, capacity: 8),
                .. Pool(4, DrainablePool, DrainableModel, slots: 1, capacity: 8),
                .. Pool(5, ReloadablePool, ReloadableModel, slots: 1, capacity: 8),
                .. Pool(6, StoriesPool, models.Combine(RetiredModel + ".gguf"), slots: 1, capacity: 8),
                "Budgets:Mode=advisory",
                $"Catalog:AllowedRoots:0={models.Path}",
            ]);
            return new ProviderUnderTest(orchestrator, models);
        }
        catch
        {
            models.Dispose();
            throw;
        }
    }

    private static string[] Pool(int index, string id, string model, int slots, int capacity) =>
    [
        $"Pools:{index}:Id={id}", $"Pools:{index}:Model={model}", $"Pools:{index}:Slots={slots}",
        $"Pools:{index}:Queue:Capacity={capacity}", $"Pools:{index}:Queue:Policy=reject", $"Pools:{index}:Ctx=512",
    ];

    public async ValueTask DisposeAsync()
    {
        await Orchestrator.DisposeAsync();
        Models.Dispose();
    }
}

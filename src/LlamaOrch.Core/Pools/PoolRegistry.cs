using LlamaOrch.Core.Tasks;

namespace LlamaOrch.Core.Pools;

/// <summary>Every configured pool, looked up by id or by the model it serves.</summary>
public sealed class PoolRegistry(IReadOnlyList<PoolRuntime> pools)
{
    public IReadOnlyList<PoolRuntime> All { get; } = pools;

    public PoolRuntime? Find(string id) => All.FirstOrDefault(p => string.Equals(p.Id, id, StringComparison.Ordinal));

    public IReadOnlyList<PoolRuntime> Serving(IReadOnlyList<string> modelNames, EngineKind engine) =>
        All.Where(p => p.Config.Engine == engine && modelNames.Contains(p.Config.Model, StringComparer.Ordinal)).ToList();
}

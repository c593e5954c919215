using LlamaOrch.Core.Tasks;

namespace LlamaOrch.Core.Pools;

/// <summary>Every configured pool, looked up by id or by the model it serves.</summary>
public sealed class PoolRegistry(IReadOnlyList<PoolRuntime> pools)
{
    public IReadOnlyList<PoolRuntime> All { get; } = pools;

    public PoolRuntime? Find(string id)
    {
        // Loops rather than LINQ: both run on every admission, a full queue's 429 included.
        // Indexed: foreach over an IReadOnlyList boxes its enumerator.
        for (var index = 0; index < All.Count; index++)
            if (string.Equals(All[index].Id, id, StringComparison.Ordinal)) return All[index];
        return null;
    }

    public IReadOnlyList<PoolRuntime> Serving(IReadOnlyList<string> modelNames, EngineKind engine)
    {
        var serving = new List<PoolRuntime>(1);
        for (var index = 0; index < All.Count; index++)
        {
            var pool = All[index];
            if (pool.Config.Engine == engine && Names(modelNames, pool.Config.Model)) serving.Add(pool);
        }
        return serving;
    }

    /// <summary>Whether <paramref name="names"/> holds <paramref name="model"/> (ordinal).</summary>
    public static bool Names(IReadOnlyList<string> names, string model)
    {
        for (var index = 0; index < names.Count; index++)
            if (string.Equals(names[index], model, StringComparison.Ordinal)) return true;
        return false;
    }
}

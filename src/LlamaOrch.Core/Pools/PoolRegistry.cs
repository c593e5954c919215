using LlamaOrch.Core.Tasks;

namespace LlamaOrch.Core.Pools;

/// <summary>Every configured pool, looked up by id or by the model it serves.</summary>
public sealed class PoolRegistry(IReadOnlyList<PoolRuntime> pools)
{
    public IReadOnlyList<PoolRuntime> All { get; } = pools;

    public PoolRuntime? Find(string id)
    {
        // Loops rather than LINQ: both run on every admission, a full queue's 429 included.
        foreach (var pool in All)
            if (string.Equals(pool.Id, id, StringComparison.Ordinal)) return pool;
        return null;
    }

    public IReadOnlyList<PoolRuntime> Serving(IReadOnlyList<string> modelNames, EngineKind engine)
    {
        var serving = new List<PoolRuntime>(1);
        foreach (var pool in All)
            if (pool.Config.Engine == engine && Names(modelNames, pool.Config.Model)) serving.Add(pool);
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

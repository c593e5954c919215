namespace LlamaOrch.Contracts.OpenAi;

/// <summary><c>GET /v1/models</c>: the pools and the catalog's entries, each a model a request may name.</summary>
public sealed record ModelList(IReadOnlyList<ModelEntry> Data)
{
    public string Object => "list";
}

/// <param name="Created">Unix seconds.</param>
/// <param name="Workloads">Extension: what the model serves here (<c>completion</c>, <c>embedding</c>, <c>rerank</c>); empty for a catalog entry no pool serves.</param>
/// <param name="Pools">Extension: the ids of the pools serving it.</param>
public sealed record ModelEntry(string Id, long Created, string OwnedBy, IReadOnlyList<string> Workloads, IReadOnlyList<string> Pools)
{
    public string Object => "model";
}

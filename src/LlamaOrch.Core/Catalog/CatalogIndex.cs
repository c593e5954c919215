using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using LlamaOrch.Core.Admission;

namespace LlamaOrch.Core.Catalog;

/// <summary>
/// An immutable snapshot of the catalog, rebuilt on every write. Each entry's admission verdict is worked
/// out here, once, so an admission lookup is two dictionary probes with no allocation.
/// </summary>
internal sealed class CatalogIndex
{
    private readonly FrozenDictionary<string, Entry> _byId;
    private readonly FrozenDictionary<string, Entry> _bySource;

    private CatalogIndex(IReadOnlyList<CatalogModel> models)
    {
        All = models.OrderBy(m => m.Id, StringComparer.Ordinal).ToArray();
        _byId = All.ToFrozenDictionary(m => m.Id, m => new Entry(m, CatalogVerdicts.Of(m)), StringComparer.Ordinal);

        // Several ids may name one file (aliases); a bare ref then means the earliest registered of them.
        var bySource = new Dictionary<string, Entry>(StringComparer.Ordinal);
        foreach (var model in All.OrderBy(m => m.CreatedMs).ThenBy(m => m.Id, StringComparer.Ordinal))
        {
            if (model.SourceUrl is { } source) bySource.TryAdd(source, _byId[model.Id]);
        }
        _bySource = bySource.ToFrozenDictionary(StringComparer.Ordinal);
    }

    public static CatalogIndex Empty { get; } = new([]);

    /// <summary>Every entry, ordered by id.</summary>
    public IReadOnlyList<CatalogModel> All { get; }

    public static CatalogIndex Of(IEnumerable<CatalogModel> models) => new(models.ToArray());

    public CatalogModel? FindById(string id) => _byId.TryGetValue(id, out var entry) ? entry.Model : null;

    /// <summary>An id, or else a source ref.</summary>
    public bool TryFind(string idOrRef, [NotNullWhen(true)] out CatalogModel? model, out Rejection? verdict)
    {
        if (_byId.TryGetValue(idOrRef, out var entry) || _bySource.TryGetValue(idOrRef, out entry))
        {
            model = entry.Model;
            verdict = entry.Verdict;
            return true;
        }
        model = null;
        verdict = null;
        return false;
    }

    public CatalogIndex With(CatalogModel model) =>
        new(All.Where(m => !string.Equals(m.Id, model.Id, StringComparison.Ordinal)).Append(model).ToArray());

    public CatalogIndex Without(string id) =>
        new(All.Where(m => !string.Equals(m.Id, id, StringComparison.Ordinal)).ToArray());

    private sealed record Entry(CatalogModel Model, Rejection? Verdict);
}

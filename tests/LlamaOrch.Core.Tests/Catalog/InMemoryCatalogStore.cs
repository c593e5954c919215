using LlamaOrch.Core.Catalog;

namespace LlamaOrch.Core.Tests.Catalog;

/// <summary>An <see cref="ICatalogStore"/> in a dictionary; <see cref="FailWrites"/> makes every write throw
/// before it changes anything, like a full disk.</summary>
internal sealed class InMemoryCatalogStore : ICatalogStore
{
    private readonly Dictionary<string, CatalogModel> _rows = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public bool FailWrites { get; set; }

    public int Writes { get; private set; }

    public IReadOnlyDictionary<string, CatalogModel> Rows
    {
        get
        {
            lock (_gate) return new Dictionary<string, CatalogModel>(_rows, StringComparer.Ordinal);
        }
    }

    public Task<IReadOnlyList<CatalogModel>> LoadAllAsync(CancellationToken cancellationToken)
    {
        lock (_gate) return Task.FromResult<IReadOnlyList<CatalogModel>>(_rows.Values.ToList());
    }

    public Task<bool> TryInsertAsync(CatalogModel model, CancellationToken cancellationToken) =>
        Write(() => _rows.TryAdd(model.Id, model));

    public Task<bool> UpdateAsync(CatalogModel model, CancellationToken cancellationToken) =>
        Write(() =>
        {
            if (!_rows.ContainsKey(model.Id)) return false;
            _rows[model.Id] = model;
            return true;
        });

    public Task<bool> DeleteAsync(string id, CancellationToken cancellationToken) => Write(() => _rows.Remove(id));

    private Task<bool> Write(Func<bool> change)
    {
        lock (_gate)
        {
            if (FailWrites) return Task.FromException<bool>(new IOException("disk full (test)"));
            Writes++;
            return Task.FromResult(change());
        }
    }
}

namespace LlamaOrch.Core.Catalog;

/// <summary>
/// Durable storage of catalog entries. <see cref="ModelCatalog"/> is its only writer and keeps the whole
/// catalog in memory, so the store is read once at start and written on every change; a write that throws
/// must have changed nothing.
/// </summary>
public interface ICatalogStore
{
    Task<IReadOnlyList<CatalogModel>> LoadAllAsync(CancellationToken cancellationToken);

    /// <returns>False, and nothing written, when an entry with the id exists.</returns>
    Task<bool> TryInsertAsync(CatalogModel model, CancellationToken cancellationToken);

    /// <summary>Replaces the entry with the same id.</summary>
    /// <returns>False when no entry has the id.</returns>
    Task<bool> UpdateAsync(CatalogModel model, CancellationToken cancellationToken);

    /// <returns>False when no entry has the id.</returns>
    Task<bool> DeleteAsync(string id, CancellationToken cancellationToken);
}

namespace LlamaOrch.Core.Catalog;

/// <summary>One page of the catalog in id order.</summary>
/// <param name="Models">The entries of this page.</param>
/// <param name="NextAfter">The id to list after for the next page; null when this page is the last.</param>
public sealed record CatalogPage(IReadOnlyList<CatalogModel> Models, string? NextAfter);

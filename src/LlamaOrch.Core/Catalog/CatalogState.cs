namespace LlamaOrch.Core.Catalog;

/// <summary>Lifecycle of a catalog entry; the wire values are the member names.</summary>
public enum CatalogState
{
    /// <summary>May be served.</summary>
    Active,

    /// <summary>Kept in the catalog but refused at admission with <c>MODEL_DEPRECATED</c>.</summary>
    Retired,
}

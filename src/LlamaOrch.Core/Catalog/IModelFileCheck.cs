namespace LlamaOrch.Core.Catalog;

/// <summary>
/// Whether a registration may point at the file its model ref names. The catalog takes refs from clients and
/// verify publishes the digest of the file, so which files qualify is a rule of the catalog; the file system
/// it needs lives outside Core.
/// </summary>
public interface IModelFileCheck
{
    /// <returns>Null when the ref may be registered (refs that name no local file always may); otherwise why
    /// not, a sentence that names the rule.</returns>
    string? Problem(string modelRef);
}

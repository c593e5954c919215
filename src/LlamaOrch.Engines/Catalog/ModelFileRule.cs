using LlamaOrch.Core.Catalog;
using LlamaOrch.Engines.Models;

namespace LlamaOrch.Engines.Catalog;

/// <summary>
/// The files a catalog entry may point at: a GGUF file (it starts with the magic "GGUF") that lies, once
/// symlinks and '..' are resolved, under a model search path, the model cache, or one of the allowed roots
/// (<c>Orchestrator:Catalog:AllowedRoots</c>). Refs come from clients and verify publishes the sha256 of the
/// file, so without the rule any file orchestratord can read (<c>file:/etc/shadow</c>) could be fingerprinted.
/// A path outside the roots gets the same answer whether a file is there or not, so the rule tells nothing
/// about files there either.
/// </summary>
/// <remarks>
/// Checked at registration (for refs to a local file) and again at verification, on the file the model store
/// resolved, before it is hashed (also for <c>hf:</c> and URL refs, whose file is in a search path or the
/// cache). A file swapped inside a root between the check and the hashing is not caught: whoever can write
/// under a root is trusted. Pools read their configured model wherever it is: this rule is the catalog's.
/// </remarks>
public sealed class ModelFileRule : IModelFileCheck
{
    private static readonly StringComparison PathComparison =
        OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

    private readonly ModelLocations _locations;
    private readonly IReadOnlyList<string> _roots;

    /// <param name="models">The model store's search paths and cache are roots.</param>
    /// <param name="allowedRoots">Further folders whose files may be registered.</param>
    /// <param name="allowPrivateSourceHosts">Whether an entry's http(s) URL may be downloaded from a loopback, private
    /// or link-local address (an operator's local mirror); by default only public addresses are reached.</param>
    public ModelFileRule(ModelStoreOptions models, IEnumerable<string> allowedRoots, bool allowPrivateSourceHosts = false)
    {
        PrivateSourceHostsAllowed = allowPrivateSourceHosts;
        ArgumentNullException.ThrowIfNull(models);
        ArgumentNullException.ThrowIfNull(allowedRoots);
        _locations = new ModelLocations(models.CacheDir, models.SearchPaths, models.HfEndpoint);
        _roots = [.. _locations.SearchPaths, _locations.CacheDir, .. allowedRoots.Select(Path.GetFullPath)];
    }

    /// <summary>Whether verification may download an entry's URL from a non-public address
    /// (<c>Orchestrator:Catalog:AllowPrivateSourceHosts</c>). Clients choose the URL, so by default it may not: the
    /// catalog would otherwise reach what the fetch tool refuses.</summary>
    public bool PrivateSourceHostsAllowed { get; }

    /// <summary>At registration: the file a local ref leads to, found as the model store finds it (the path,
    /// else a relative name under the search paths). <c>hf:</c>, URL and <c>sim:</c> refs, and text that is no
    /// ref, name no local file yet and pass.</summary>
    public string? Problem(string modelRef)
    {
        if (!ModelRef.TryParse(modelRef, out var parsed, out _) || parsed.Kind != ModelRefKind.File) return null;
        var path = File.Exists(parsed.LocalPath) ? parsed.LocalPath : _locations.SearchCandidates(parsed).FirstOrDefault(File.Exists);
        return Check(path ?? parsed.LocalPath!, parsed.Canonical);
    }

    /// <summary>At verification: a file the model store resolved, before it is read.</summary>
    public string? FileProblem(string path) => Check(path, path);

    /// <param name="shownAs">How the refusal names a file outside the roots: the same whether it exists or not.</param>
    private string? Check(string path, string shownAs)
    {
        string real;
        try
        {
            real = RealPath.Of(path);
        }
        catch (IOException)
        {
            return OutsideRoots(shownAs);
        }
        if (!_roots.Any(root => IsUnder(real, root))) return OutsideRoots(shownAs);
        if (!File.Exists(real)) return $"{shownAs} does not exist (as a file)";

        Span<byte> magic = stackalloc byte[4];
        try
        {
            using var file = new FileStream(real, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1);
            if (file.ReadAtLeast(magic, magic.Length, throwOnEndOfStream: false) == magic.Length && magic.SequenceEqual("GGUF"u8)) return null;
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return $"{path} cannot be read: {error.Message}";
        }
        return $"{path} is not a GGUF file: a model's file must start with the GGUF magic bytes \"GGUF\"";
    }

    private string OutsideRoots(string path) =>
        $"'{path}' is not under the model roots: a catalog model's file must lie under " +
        $"Orchestrator:Models:SearchPaths, Orchestrator:Models:CacheDir or Orchestrator:Catalog:AllowedRoots " +
        $"({string.Join(", ", _roots)}), with symlinks and '..' resolved first";

    /// <summary>Whether <paramref name="real"/> (resolved) lies inside <paramref name="root"/> (resolved here:
    /// a root may itself be, or sit under, a symlink).</summary>
    private static bool IsUnder(string real, string root)
    {
        string resolvedRoot;
        try
        {
            resolvedRoot = RealPath.Of(root);
        }
        catch (IOException)
        {
            return false;
        }
        var prefix = Path.EndsInDirectorySeparator(resolvedRoot) ? resolvedRoot : resolvedRoot + Path.DirectorySeparatorChar;
        return real.StartsWith(prefix, PathComparison);
    }
}

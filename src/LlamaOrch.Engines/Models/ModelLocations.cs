namespace LlamaOrch.Engines.Models;

/// <summary>
/// Where the file of a ref may be on disk (search directories, then the cache) and where it is downloaded
/// from. Pure path arithmetic over a validated <see cref="ModelRef"/>, apart from the existence checks.
/// </summary>
internal sealed class ModelLocations
{
    public ModelLocations(string cacheDir, IEnumerable<string> searchPaths, Uri hfEndpoint)
    {
        CacheDir = Path.GetFullPath(cacheDir);
        SearchPaths = searchPaths.Where(p => !string.IsNullOrWhiteSpace(p)).Select(p => Path.GetFullPath(p.Trim())).ToList();
        HfEndpoint = hfEndpoint;
    }

    public string CacheDir { get; }

    public IReadOnlyList<string> SearchPaths { get; }

    public Uri HfEndpoint { get; }

    /// <summary>The cache file of an <c>hf:</c> or URL ref (its download target).</summary>
    public string CachePath(ModelRef modelRef) => modelRef.Kind switch
    {
        ModelRefKind.HuggingFace => Path.Combine([CacheDir, "hf", modelRef.Org!, modelRef.Repo!, .. modelRef.RepoPath!.Split('/')]),
        // A URL's path need not be unique per file name, so the directory is named by the whole URL.
        ModelRefKind.Url => Path.Combine(CacheDir, "url", Sha256Hex.OfText(modelRef.Canonical), modelRef.FileName!),
        _ => throw new ArgumentException($"'{modelRef}' has no cache location", nameof(modelRef)),
    };

    public Uri DownloadUrl(ModelRef modelRef) => modelRef.Kind switch
    {
        ModelRefKind.HuggingFace => new Uri(
            $"{HfEndpoint.AbsoluteUri.TrimEnd('/')}/{Escape(modelRef.Org!)}/{Escape(modelRef.Repo!)}/resolve/main/" +
            string.Join('/', modelRef.RepoPath!.Split('/').Select(Escape))),
        ModelRefKind.Url => modelRef.Url!,
        _ => throw new ArgumentException($"'{modelRef}' is not downloadable", nameof(modelRef)),
    };

    /// <summary>The places under the search directories where the ref's file may be, most specific first
    /// within each directory, directories in their configured order.</summary>
    public IEnumerable<string> SearchCandidates(ModelRef modelRef)
    {
        foreach (var dir in SearchPaths)
        {
            switch (modelRef.Kind)
            {
                case ModelRefKind.HuggingFace:
                    yield return Path.Combine([dir, modelRef.Org!, modelRef.Repo!, .. modelRef.RepoPath!.Split('/')]);
                    yield return Path.Combine(dir, modelRef.FileName!);
                    break;
                case ModelRefKind.Url:
                    yield return Path.Combine(dir, modelRef.FileName!);
                    break;
                case ModelRefKind.File when modelRef.RelativePath is { } relative:
                    yield return Path.GetFullPath(relative, dir);
                    break;
            }
        }
    }

    /// <summary>The first existing file for a downloadable ref: search directories, then the cache.</summary>
    public (string Path, ModelSource Source)? FindExisting(ModelRef modelRef)
    {
        foreach (var candidate in SearchCandidates(modelRef))
        {
            if (File.Exists(candidate)) return (candidate, ModelSource.SearchPath);
        }
        var cached = CachePath(modelRef);
        return File.Exists(cached) ? (cached, ModelSource.Cache) : null;
    }

    /// <summary>The operator's way out when a model cannot be downloaded: exactly where a copy of the file
    /// would be found, and where it would have come from.</summary>
    public string WhereToPut(ModelRef modelRef)
    {
        var names = modelRef.Kind == ModelRefKind.HuggingFace
            ? $"'{modelRef.FileName}' or '{modelRef.Org}/{modelRef.Repo}/{modelRef.RepoPath}'"
            : $"'{modelRef.FileName}'";
        var search = SearchPaths.Count == 0
            ? "no search paths are configured (Orchestrator:Models:SearchPaths)"
            : "search paths: " + string.Join(", ", SearchPaths.Select(p => Directory.Exists(p) ? p : p + " (missing)"));
        return $"Put the file at {CachePath(modelRef)}, or as {names} under a search path ({search}). " +
               $"It downloads from {DownloadUrl(modelRef)}.";
    }

    private static string Escape(string segment) => Uri.EscapeDataString(segment);
}

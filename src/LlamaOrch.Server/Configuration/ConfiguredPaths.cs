using Microsoft.Extensions.FileProviders;

namespace LlamaOrch.Server.Configuration;

/// <summary>
/// Makes the relative paths of the configuration absolute against where they were written: a path from a JSON
/// file (appsettings.json) against that file's folder, a path typed on the command line or set in the environment
/// against the directory orchestratord was started from. A leading <c>~/</c> is the home folder in both.
/// </summary>
internal sealed class ConfiguredPaths(IConfiguration configuration)
{
    /// <summary>Rewrites every path setting of <paramref name="options"/> in place.</summary>
    public void Anchor(OrchestratorOptions options)
    {
        const string root = OrchestratorOptions.Section;
        options.DataDir = Resolve($"{root}:DataDir", options.DataDir);
        options.Auth.TokenFile = Resolve($"{root}:Auth:TokenFile", options.Auth.TokenFile);
        options.Catalog.TrustedKeysDir = Resolve($"{root}:Catalog:TrustedKeysDir", options.Catalog.TrustedKeysDir);
        options.Artifacts.Dir = Resolve($"{root}:Artifacts:Dir", options.Artifacts.Dir);
        options.Models.CacheDir = Resolve($"{root}:Models:CacheDir", options.Models.CacheDir);
        AnchorAll($"{root}:Models:SearchPaths", options.Models.SearchPaths);
        AnchorAll($"{root}:Catalog:AllowedRoots", options.Catalog.AllowedRoots);
    }

    private void AnchorAll(string key, List<string> paths)
    {
        for (var index = 0; index < paths.Count; index++) paths[index] = Resolve($"{key}:{index}", paths[index])!;
    }

    public string? Resolve(string key, string? path)
    {
        if (string.IsNullOrWhiteSpace(path)) return path; // blank: left for validation to name
        if (path == "~" || path.StartsWith("~/", StringComparison.Ordinal))
            path = Path.Join(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), path[1..]);
        return Path.IsPathRooted(path) ? Path.GetFullPath(path) : Path.GetFullPath(path, BaseDirectoryOf(key));
    }

    /// <summary>The folder of the JSON file that set <paramref name="key"/> (the last source that sets it wins), else the working directory.</summary>
    private string BaseDirectoryOf(string key)
    {
        if (configuration is IConfigurationRoot root)
        {
            foreach (var provider in root.Providers.Reverse())
            {
                if (!provider.TryGet(key, out _)) continue;
                return provider is FileConfigurationProvider { Source.FileProvider: PhysicalFileProvider files } ? files.Root : Environment.CurrentDirectory;
            }
        }
        return Environment.CurrentDirectory;
    }
}

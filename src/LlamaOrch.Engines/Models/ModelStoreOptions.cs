namespace LlamaOrch.Engines.Models;

/// <summary>Where the model store looks for model files and how it downloads them (Orchestrator:Models).</summary>
public sealed record ModelStoreOptions
{
    /// <summary>The out-of-the-box model: tiny, real, and the model of the tests.</summary>
    public const string DefaultModelRef = "hf:ggml-org/models/tinyllamas/stories260K.gguf";

    public const string DefaultModelSha256 = "270cba1bd5109f42d03350f60406024560464db173c0e387d91f0426d3bd256d";

    /// <summary>Digests the project knows without configuration. A configured <see cref="KnownDigests"/>
    /// replaces this map, so a configuration that adds digests should start from it.</summary>
    public static IReadOnlyDictionary<string, string> BuiltInDigests { get; } =
        new Dictionary<string, string>(StringComparer.Ordinal) { [DefaultModelRef] = DefaultModelSha256 };

    /// <summary>Downloads and their verification records live here: <c>hf/org/repo/path</c>,
    /// <c>url/&lt;sha256 of the URL&gt;/&lt;file name&gt;</c>, <c>verified/</c>.</summary>
    public string CacheDir { get; init; } = DefaultCacheDir();

    /// <summary>Directories searched (in order, before the cache) for a file named like the ref's file,
    /// or laid out as <c>org/repo/path</c> for an <c>hf:</c> ref (Orchestrator:Models:SearchPaths). Relative
    /// entries are taken from the working directory when the store is made.</summary>
    public IReadOnlyList<string> SearchPaths { get; init; } = [];

    /// <summary>Base of <c>hf:</c> downloads: <c>{HfEndpoint}/{org}/{repo}/resolve/main/{path}</c>.
    /// A mirror or a test server can stand in for the hub.</summary>
    public Uri HfEndpoint { get; init; } = new("https://huggingface.co");

    /// <summary>Never download: a model that is not in a search path or the cache is an error.</summary>
    public bool Offline { get; init; }

    /// <summary>Expected sha256 (hex, optionally prefixed <c>sha256:</c>) by model ref. Files found or
    /// downloaded for these refs are verified.</summary>
    public IReadOnlyDictionary<string, string> KnownDigests { get; init; } = BuiltInDigests;

    /// <summary>A download that receives no byte for this long is abandoned (the partial file stays).</summary>
    public TimeSpan StallTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Least time between two progress reports of one download (tests set zero).</summary>
    internal TimeSpan ProgressInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Least time between two progress log lines of one download.</summary>
    internal TimeSpan LogInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary><c>$XDG_CACHE_HOME/llama-orch/models</c>, else <c>~/.cache/llama-orch/models</c>.</summary>
    public static string DefaultCacheDir() =>
        DefaultCacheDir(Environment.GetEnvironmentVariable, Environment.GetFolderPath(Environment.SpecialFolder.UserProfile));

    internal static string DefaultCacheDir(Func<string, string?> environment, string home)
    {
        // The XDG spec says a relative XDG_CACHE_HOME is invalid and must be ignored.
        var xdg = environment("XDG_CACHE_HOME");
        var root = !string.IsNullOrWhiteSpace(xdg) && Path.IsPathFullyQualified(xdg) ? xdg : Path.Combine(home, ".cache");
        return Path.Combine(root, "llama-orch", "models");
    }
}

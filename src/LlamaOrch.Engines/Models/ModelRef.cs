using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;
using LlamaOrch.EngineProtocol.Simulation;

namespace LlamaOrch.Engines.Models;

/// <summary>
/// A parsed model ref: <c>file:/abs/path.gguf</c>, a plain path, <c>hf:org/repo/path/in/repo.gguf</c>,
/// <c>https://…/file.gguf</c> or <c>sim:…</c>. Immutable and validated once, so the store never has to
/// re-check a segment before it joins it into a path or a URL. Equal refs have equal canonical text.
/// </summary>
public sealed partial class ModelRef : IEquatable<ModelRef>
{
    private const string Example = "hf:ggml-org/models/tinyllamas/stories260K.gguf";

    private ModelRef(ModelRefKind kind, string canonical)
    {
        Kind = kind;
        Canonical = canonical;
    }

    public ModelRefKind Kind { get; }

    /// <summary>The canonical text: <c>file:/abs/path</c>, <c>hf:org/repo/path</c>, the URL, <c>sim:…</c>.</summary>
    public string Canonical { get; }

    /// <summary>Absolute path of a <see cref="ModelRefKind.File"/> ref.</summary>
    public string? LocalPath { get; private init; }

    /// <summary>Hugging Face organisation (or user) of an <c>hf:</c> ref.</summary>
    public string? Org { get; private init; }

    /// <summary>Hugging Face repository name of an <c>hf:</c> ref.</summary>
    public string? Repo { get; private init; }

    /// <summary>Path of the file inside the repository of an <c>hf:</c> ref, '/'-separated.</summary>
    public string? RepoPath { get; private init; }

    /// <summary>The URL of a <see cref="ModelRefKind.Url"/> ref.</summary>
    public Uri? Url { get; private init; }

    /// <summary>The file's name (last path segment); null for <c>sim:</c>.</summary>
    public string? FileName { get; private init; }

    /// <summary>The name of a <c>sim:</c> ref (what precedes its parameters).</summary>
    public string? SyntheticName { get; private init; }

    public bool IsSynthetic => Kind == ModelRefKind.Synthetic;

    /// <summary>A plain relative path as written (no '..'), so the store can also look for it under its
    /// search directories when it is not relative to the working directory.</summary>
    internal string? RelativePath { get; private init; }

    /// <summary>Parses a ref; relative plain paths are taken relative to the current directory.</summary>
    /// <exception cref="FormatException">The ref is not valid; the message says why.</exception>
    public static ModelRef Parse(string text) => Parse(text, baseDirectory: null);

    /// <inheritdoc cref="Parse(string)"/>
    public static ModelRef Parse(string text, string? baseDirectory) =>
        TryParse(text, baseDirectory, out var modelRef, out var error) ? modelRef : throw new FormatException(error);

    public static bool TryParse(string? text, [NotNullWhen(true)] out ModelRef? modelRef, [NotNullWhen(false)] out string? error) =>
        TryParse(text, baseDirectory: null, out modelRef, out error);

    /// <summary>Parses a ref; relative plain paths are taken relative to <paramref name="baseDirectory"/>
    /// (the current directory when null).</summary>
    public static bool TryParse(string? text, string? baseDirectory, [NotNullWhen(true)] out ModelRef? modelRef, [NotNullWhen(false)] out string? error)
    {
        modelRef = null;
        text = text?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            error = "model ref is empty; expected hf:org/repo/path.gguf, https://…/file.gguf, file:/abs/path.gguf, a path or sim:…";
            return false;
        }

        var scheme = SchemeRegex().Match(text);
        if (!scheme.Success)
        {
            modelRef = PlainPath(text, baseDirectory, out error);
            return modelRef is not null;
        }

        var rest = text[scheme.Length..];
        error = null;
        modelRef = scheme.Groups[1].Value.ToLowerInvariant() switch
        {
            "sim" => Synthetic(SimRef.Scheme + rest, out error),
            "hf" => HuggingFace(text, rest, out error),
            "file" => FileUri(text, rest, out error),
            "https" or "http" => WebUrl(text, out error),
            var other => Fail($"model ref '{text}' has an unknown scheme '{other}:'; expected hf:, https:, file:, sim: " +
                              "or a path (write ./name for a relative path that contains a colon)", out error),
        };
        return modelRef is not null;
    }

    /// <summary>A sim ref that llorch-engine would run: its name and parameters are checked here, so that a bad one is
    /// refused where it is given rather than by an engine that exits on its command line.</summary>
    private static ModelRef? Synthetic(string canonical, out string? error)
    {
        if (!SimModelRef.TryParse(canonical, out _, out var invalid)) return Fail($"model ref {invalid}", out error);
        error = null;
        return new(ModelRefKind.Synthetic, canonical) { SyntheticName = SimRef.Parse(canonical).Name };
    }

    private static ModelRef? PlainPath(string text, string? baseDirectory, out string? error)
    {
        try
        {
            var full = Path.GetFullPath(text, baseDirectory ?? Environment.CurrentDirectory);
            var relative = Path.IsPathRooted(text) || Segments(text).Any(s => s == "..") ? null : text;
            error = null;
            return Local(full, relative);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return Fail($"model ref '{text}' is not a valid path: {e.Message}", out error);
        }
    }

    private static ModelRef? FileUri(string text, string rest, out string? error)
    {
        string path;
        if (rest.StartsWith("//", StringComparison.Ordinal))
        {
            // file:///abs/path is the URI spelling of file:/abs/path; the URI parser undoes %-escapes.
            if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || !uri.IsFile || !string.IsNullOrEmpty(uri.Host))
                return Fail($"model ref '{text}' is not a valid file URI; write file:/abs/path.gguf", out error);
            path = uri.LocalPath;
        }
        else
        {
            path = rest;
        }

        if (!Path.IsPathFullyQualified(path))
            return Fail($"model ref '{text}' needs an absolute path after file: (write a plain path for a relative one)", out error);
        try
        {
            error = null;
            return Local(Path.GetFullPath(path), relativePath: null);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return Fail($"model ref '{text}' is not a valid path: {e.Message}", out error);
        }
    }

    private static ModelRef Local(string fullPath, string? relativePath) =>
        new(ModelRefKind.File, "file:" + fullPath)
        {
            LocalPath = fullPath,
            FileName = Path.GetFileName(fullPath),
            RelativePath = relativePath,
        };

    private static ModelRef? HuggingFace(string text, string rest, out string? error)
    {
        var shape = $"expected hf:org/repo/path/in/repo.gguf, for example {Example}";
        if (rest.Length == 0) return Fail($"model ref '{text}' is missing org, repo and file path; {shape}", out error);
        if (rest.Contains('\\')) return Fail($"model ref '{text}' must use '/' between segments, not '\\'; {shape}", out error);

        var segments = rest.Split('/');
        if (segments.Length < 3)
        {
            var missing = segments.Length == 1 ? "a repo and a file path" : "a file path inside the repo";
            return Fail($"model ref '{text}' is missing {missing}; {shape}", out error);
        }
        if (Array.FindIndex(segments, s => s.Length == 0) is >= 0)
            return Fail($"model ref '{text}' has an empty segment (leading, trailing or doubled '/'); {shape}", out error);
        if (segments.Any(s => s is "." or ".."))
            return Fail($"model ref '{text}' must not contain '.' or '..' segments", out error);
        if (segments.Any(s => s.Any(char.IsControl) || s.Trim().Length != s.Length))
            return Fail($"model ref '{text}' has a segment with control characters or surrounding spaces", out error);
        if (!HfNameRegex().IsMatch(segments[0]))
            return Fail($"model ref '{text}' has an invalid org '{segments[0]}' (letters, digits, '-', '_', '.')", out error);
        if (!HfNameRegex().IsMatch(segments[1]))
            return Fail($"model ref '{text}' has an invalid repo '{segments[1]}' (letters, digits, '-', '_', '.')", out error);

        var fileName = segments[^1];
        if (!IsGgufName(fileName))
            return Fail($"model ref '{text}' must name a .gguf file (got '{fileName}'); {shape}", out error);

        var repoPath = string.Join('/', segments[2..]);
        error = null;
        return new ModelRef(ModelRefKind.HuggingFace, $"hf:{segments[0]}/{segments[1]}/{repoPath}")
        {
            Org = segments[0],
            Repo = segments[1],
            RepoPath = repoPath,
            FileName = fileName,
        };
    }

    private static ModelRef? WebUrl(string text, out string? error)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Host.Length == 0)
            return Fail($"model ref '{text}' is not a valid URL", out error);
        // Plain http is only for loopback (a local mirror, tests): over a network a download must be
        // authenticated by TLS, since most refs have no known digest to catch a tampered file.
        if (uri.Scheme == Uri.UriSchemeHttp && !uri.IsLoopback)
            return Fail($"model ref '{text}' uses plain http; use https (http is accepted only for loopback hosts)", out error);
        // Credentials in a ref would end up in logs and error messages.
        if (uri.UserInfo.Length > 0)
            return Fail($"model ref '{text}' must not contain credentials", out error);

        var segments = uri.AbsolutePath.Split('/');
        var fileName = Uri.UnescapeDataString(segments[^1]);
        if (fileName.Contains('/') || fileName.Contains('\\') || !IsGgufName(fileName))
            return Fail($"model ref '{text}' must be the URL of a .gguf file (its path must end in a file name like model.gguf)", out error);
        if (segments.Select(Uri.UnescapeDataString).Any(s => s is "." or ".."))
            return Fail($"model ref '{text}' must not contain '.' or '..' segments", out error);

        var canonical = uri.GetComponents(UriComponents.HttpRequestUrl, UriFormat.UriEscaped);
        error = null;
        return new ModelRef(ModelRefKind.Url, canonical) { Url = new Uri(canonical), FileName = fileName };
    }

    private static bool IsGgufName(string name) =>
        name.Length > ".gguf".Length && name.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase) && !name.Any(char.IsControl);

    private static IEnumerable<string> Segments(string path) => path.Split('/', '\\');

    private static ModelRef? Fail(string message, out string? error)
    {
        error = message;
        return null;
    }

    public bool Equals(ModelRef? other) => other is not null && string.Equals(Canonical, other.Canonical, StringComparison.Ordinal);

    public override bool Equals(object? obj) => Equals(obj as ModelRef);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Canonical);

    public override string ToString() => Canonical;

    // A scheme is two or more characters, so a Windows drive letter ("C:\models") stays a path.
    [GeneratedRegex("^([A-Za-z][A-Za-z0-9+.-]+):")]
    private static partial Regex SchemeRegex();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,95}$")]
    private static partial Regex HfNameRegex();
}

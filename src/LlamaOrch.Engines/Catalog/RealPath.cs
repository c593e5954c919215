namespace LlamaOrch.Engines.Catalog;

/// <summary>
/// A path with every symbolic link resolved, of the file and of each folder above it, as realpath(3) does, so
/// that where a path really leads can be compared with a folder. The part that does not exist is kept as
/// written. A path is made absolute (and its '..' removed) first, as <see cref="Models.ModelRef"/> does
/// before anything opens it.
/// </summary>
internal static class RealPath
{
    /// <summary>Linux gives up (ELOOP) after as many.</summary>
    private const int MaxLinks = 40;

    private static readonly char[] Separators = [Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar];

    /// <exception cref="IOException">A cycle of links, or more than 40 of them.</exception>
    public static string Of(string path)
    {
        var full = Path.GetFullPath(path);
        var current = Path.GetPathRoot(full)!;
        // Components still to walk, the next on top; a link's target is pushed in place of the link.
        var pending = new Stack<string>(Components(full[current.Length..]).Reverse());
        var links = 0;
        while (pending.TryPop(out var part))
        {
            if (part == "..")
            {
                // Physical, as the kernel does: the parent of where the links led, not of the path as written.
                current = Path.GetDirectoryName(current) ?? current;
                continue;
            }
            if (part == ".") continue;

            var next = Path.Join(current, part);
            if (LinkTarget(next) is not { } target)
            {
                current = next;
                continue;
            }
            if (++links > MaxLinks) throw new IOException($"{path}: too many levels of symbolic links");
            if (Path.IsPathRooted(target)) current = Path.GetPathRoot(target)!;
            foreach (var component in Components(target[(Path.GetPathRoot(target)?.Length ?? 0)..]).Reverse()) pending.Push(component);
        }
        return current;
    }

    private static IEnumerable<string> Components(string path) => path.Split(Separators, StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The target a link holds; null for anything that is not a link (or cannot be read as one).</summary>
    private static string? LinkTarget(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget;
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}

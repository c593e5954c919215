namespace LlamaOrch.Core.Artifacts;

/// <summary>The spelling of an artifact id: <c>sha256:</c> and 64 lowercase hex digits, nothing else.</summary>
public static class ArtifactIds
{
    public const string Prefix = "sha256:";
    private const int HexLength = 64;

    /// <summary>True for a well-formed id, with its hex digits: the only part a file name is ever made from.</summary>
    public static bool TryParse(string? id, out string hex)
    {
        hex = string.Empty;
        if (id is null || id.Length != Prefix.Length + HexLength || !id.StartsWith(Prefix, StringComparison.Ordinal)) return false;
        var digits = id.AsSpan(Prefix.Length);
        foreach (var c in digits)
        {
            if (c is not (>= '0' and <= '9' or >= 'a' and <= 'f')) return false;
        }
        hex = digits.ToString();
        return true;
    }
}

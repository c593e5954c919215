using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;

namespace LlamaOrch.Engines.Models;

/// <summary>sha256 digests as the store compares them: 64 lower-case hex characters.</summary>
internal static class Sha256Hex
{
    /// <summary>Accepts hex in either case, optionally prefixed <c>sha256:</c> (the artifact id form).</summary>
    public static bool TryNormalize(string? value, [NotNullWhen(true)] out string? hex)
    {
        hex = null;
        var text = value?.Trim();
        if (text is null) return false;
        if (text.StartsWith("sha256:", StringComparison.OrdinalIgnoreCase)) text = text["sha256:".Length..];
        if (text.Length != 64 || !text.All(char.IsAsciiHexDigit)) return false;
        hex = text.ToLowerInvariant();
        return true;
    }

    public static string Of(ReadOnlySpan<byte> hash) => Convert.ToHexStringLower(hash);

    public static string OfText(string text) => Of(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}

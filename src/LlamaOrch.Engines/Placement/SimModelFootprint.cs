using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace LlamaOrch.Engines.Placement;

/// <summary>
/// The GPU memory a synthetic model says it takes: <c>sim:NAME?tps=N&amp;vram_mib=M</c> asks placement to treat the
/// replica as holding M MiB, so queueing and placement tests can fill a card without a real model. Without
/// <c>vram_mib</c> a sim model takes nothing. Only <c>vram_mib</c> is read here; llorch-engine validates the rest of
/// the ref, and checks <c>vram_mib</c> with <see cref="TryParseValue"/> so that both accept exactly the same refs.
/// </summary>
public static class SimModelFootprint
{
    public const string Scheme = "sim:";
    public const string VramParameter = "vram_mib";

    public static bool IsSimRef(string modelRef) => modelRef.StartsWith(Scheme, StringComparison.Ordinal);

    /// <summary>The bytes a sim ref declares; 0 when it declares none.</summary>
    /// <exception cref="FormatException">Not a sim ref, or <c>vram_mib</c> is not a whole number of MiB.</exception>
    public static long Parse(string simRef) =>
        TryParse(simRef, out var bytes, out var error) ? bytes : throw new FormatException(error);

    public static bool TryParse(string simRef, out long bytes, [NotNullWhen(false)] out string? error)
    {
        bytes = 0;
        if (!IsSimRef(simRef))
        {
            error = $"'{simRef}' does not start with '{Scheme}'";
            return false;
        }

        // A repeated parameter: the last one wins, as tps does in the engine.
        foreach (var (key, value) in Parameters(simRef))
        {
            if (key != VramParameter) continue;
            if (!TryParseValue(value, out bytes))
            {
                error = InvalidValue(simRef, value);
                return false;
            }
        }

        error = null;
        return true;
    }

    /// <summary>The decode rate a sim ref declares (<c>tps=N</c>, the last one when repeated); null when none parses.</summary>
    public static double? DeclaredTokensPerSecond(string simRef)
    {
        double? tps = null;
        if (!IsSimRef(simRef)) return tps;
        foreach (var (key, value) in Parameters(simRef))
        {
            if (key == "tps" && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var rate) && rate > 0) tps = rate;
        }
        return tps;
    }

    /// <summary>The <c>key=value</c> pairs after the ref's '?', in order; a pair without '=' has an empty value.</summary>
    private static IEnumerable<(string Key, string Value)> Parameters(string simRef)
    {
        var queryStart = simRef.IndexOf('?', StringComparison.Ordinal);
        if (queryStart < 0) yield break;
        foreach (var pair in simRef[(queryStart + 1)..].Split('&'))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            yield return equals < 0 ? (pair, string.Empty) : (pair[..equals], pair[(equals + 1)..]);
        }
    }

    /// <summary>A <c>vram_mib</c> value: digits only, at most <see cref="int.MaxValue"/> MiB (2 PiB), as bytes.</summary>
    public static bool TryParseValue(ReadOnlySpan<char> value, out long bytes)
    {
        var valid = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var mib);
        bytes = valid ? mib * ByteSize.MiB : 0;
        return valid;
    }

    public static string InvalidValue(string simRef, ReadOnlySpan<char> value) =>
        $"'{simRef}' has {VramParameter}='{value}', which is not a whole number of MiB >= 0";
}

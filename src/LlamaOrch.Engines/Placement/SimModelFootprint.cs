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

        var queryStart = simRef.IndexOf('?', StringComparison.Ordinal);
        var query = queryStart < 0 ? [] : simRef.AsSpan(queryStart + 1);
        foreach (var range in query.Split('&'))
        {
            var pair = query[range];
            var equals = pair.IndexOf('=');
            var key = equals < 0 ? pair : pair[..equals];
            if (!key.SequenceEqual(VramParameter)) continue;

            var value = equals < 0 ? [] : pair[(equals + 1)..];
            // A repeated parameter: the last one wins, as tps does in the engine.
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
        var queryStart = simRef.IndexOf('?', StringComparison.Ordinal);
        if (!IsSimRef(simRef) || queryStart < 0) return null;
        double? tps = null;
        foreach (var pair in simRef[(queryStart + 1)..].Split('&'))
        {
            if (pair.StartsWith("tps=", StringComparison.Ordinal) &&
                double.TryParse(pair.AsSpan(4), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value > 0)
                tps = value;
        }
        return tps;
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

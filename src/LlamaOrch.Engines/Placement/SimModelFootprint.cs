using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using LlamaOrch.EngineProtocol.Simulation;

namespace LlamaOrch.Engines.Placement;

/// <summary>
/// The GPU memory a synthetic model says it takes: <c>sim:NAME?tps=N&amp;vram_mib=M</c> asks placement to treat the
/// replica as holding M MiB, so queueing and placement tests can fill a card without a real model. Without
/// <c>vram_mib</c> a sim model takes nothing. Only <c>vram_mib</c> is read here; llorch-engine validates the rest of
/// the ref, and checks <c>vram_mib</c> with <see cref="SimVram"/> too, so that both accept exactly the same refs.
/// </summary>
public static class SimModelFootprint
{
    /// <summary>The bytes a sim ref declares; 0 when it declares none.</summary>
    /// <exception cref="FormatException">Not a sim ref, or <c>vram_mib</c> is not a whole number of MiB.</exception>
    public static long Parse(string simRef) =>
        TryParse(simRef, out var bytes, out var error) ? bytes : throw new FormatException(error);

    public static bool TryParse(string simRef, out long bytes, [NotNullWhen(false)] out string? error)
    {
        bytes = 0;
        if (!SimRef.TryParse(simRef, out var parsed))
        {
            error = $"'{simRef}' does not start with '{SimRef.Scheme}'";
            return false;
        }

        // A repeated parameter: the last one wins, as tps does in the engine.
        foreach (var (key, value) in parsed.Parameters)
        {
            if (key != SimVram.Parameter) continue;
            if (!SimVram.TryParse(value, out bytes))
            {
                error = SimVram.Invalid(simRef, value);
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
        if (!SimRef.TryParse(simRef, out var parsed)) return tps;
        foreach (var (key, value) in parsed.Parameters)
        {
            if (key == "tps" && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var rate) && rate > 0) tps = rate;
        }
        return tps;
    }
}

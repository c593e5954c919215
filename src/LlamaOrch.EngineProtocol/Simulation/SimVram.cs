using System.Globalization;

namespace LlamaOrch.EngineProtocol.Simulation;

/// <summary>
/// The <c>vram_mib</c> parameter of a sim ref: the GPU memory placement books for the replica. llorch-engine allocates
/// nothing for it, but refuses what placement would refuse, so both read it here.
/// </summary>
internal static class SimVram
{
    public const string Parameter = "vram_mib";

    private const long BytesPerMiB = 1024 * 1024;

    /// <summary>A <c>vram_mib</c> value: digits only, at most <see cref="int.MaxValue"/> MiB (2 PiB), as bytes.</summary>
    public static bool TryParse(ReadOnlySpan<char> value, out long bytes)
    {
        var valid = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var mib);
        bytes = valid ? mib * BytesPerMiB : 0;
        return valid;
    }

    public static string Invalid(string simRef, ReadOnlySpan<char> value) =>
        $"'{simRef}' has {Parameter}='{value}', which is not a whole number of MiB >= 0";
}

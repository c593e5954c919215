using System.Globalization;

namespace LlamaOrch.Engines.Placement;

/// <summary>Byte counts as operators read them in refusals and listings: binary units, one decimal.</summary>
internal static class ByteSize
{
    public const long KiB = 1024;
    public const long MiB = 1024 * KiB;
    public const long GiB = 1024 * MiB;

    /// <summary>"9.1 GiB", "296.0 MiB", "320.0 KiB", "12 B"; negative amounts keep their sign.</summary>
    public static string Format(long bytes)
    {
        // Math.Abs(long.MinValue) throws; no real amount comes near it.
        var magnitude = bytes == long.MinValue ? long.MaxValue : Math.Abs(bytes);
        return magnitude switch
        {
            >= GiB => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)GiB:F1} GiB"),
            >= MiB => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)MiB:F1} MiB"),
            >= KiB => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)KiB:F1} KiB"),
            _ => string.Create(CultureInfo.InvariantCulture, $"{bytes} B"),
        };
    }
}

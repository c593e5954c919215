using System.Globalization;

namespace LlamaOrch.Bench.Report;

/// <summary>Number formats of the printed table: invariant culture, so recorded results read the same everywhere.</summary>
internal static class Format
{
    public static string Ms(double ms) => double.IsNaN(ms) ? "-" : ms.ToString(ms < 10 ? "0.00" : "0.0", CultureInfo.InvariantCulture) + " ms";

    public static string SignedMs(double ms) => double.IsNaN(ms) ? "-" : (ms >= 0 ? "+" : "") + Ms(ms);

    public static string Count(double value) => double.IsNaN(value) ? "-" : value.ToString("#,0", CultureInfo.InvariantCulture);

    public static string Rate(double value) => double.IsNaN(value) ? "-" : value.ToString(value < 100 ? "0.0" : "#,0", CultureInfo.InvariantCulture);

    public static string Percent(double value) => value.ToString("0", CultureInfo.InvariantCulture) + "%";

    public static string MiB(long bytes) => (bytes / 1024.0 / 1024.0).ToString("0.0", CultureInfo.InvariantCulture) + " MiB";
}

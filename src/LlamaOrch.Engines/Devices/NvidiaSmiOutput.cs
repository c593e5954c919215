using System.Globalization;

namespace LlamaOrch.Engines.Devices;

/// <summary>
/// Parses <c>nvidia-smi --query-gpu=index,uuid,name,memory.total,memory.used,memory.free,utilization.gpu
/// --format=csv,noheader,nounits</c>: one line per GPU, memory in MiB, utilisation in percent or a
/// bracketed "[N/A]" / "[Not Supported]" on cards that do not report it.
/// </summary>
internal static class NvidiaSmiOutput
{
    public const string QueryArguments =
        "--query-gpu=index,uuid,name,memory.total,memory.used,memory.free,utilization.gpu --format=csv,noheader,nounits";

    private const long MiB = 1024L * 1024;

    /// <summary>The GPUs listed; throws <see cref="FormatException"/> naming the line that does not parse.</summary>
    public static List<GpuDevice> Parse(string output)
    {
        var gpus = new List<GpuDevice>();
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        for (var number = 0; number < lines.Length; number++)
        {
            var fields = lines[number].Split(',', StringSplitOptions.TrimEntries);
            if (fields.Length != 7)
                throw new FormatException($"nvidia-smi line {number + 1} has {fields.Length} fields, expected 7: '{lines[number]}'");
            gpus.Add(new GpuDevice(
                Integer(fields[0], "index", number),
                fields[1],
                fields[2],
                Integer(fields[3], "memory.total", number) * MiB,
                Integer(fields[4], "memory.used", number) * MiB,
                Integer(fields[5], "memory.free", number) * MiB,
                fields[6].StartsWith('[') ? null : Integer(fields[6], "utilization.gpu", number)));
        }
        return gpus;
    }

    private static int Integer(string value, string field, int line) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed)
            ? parsed
            : throw new FormatException($"nvidia-smi line {line + 1}: {field} '{value}' is not a number");
}

using System.Globalization;
using System.Numerics;

namespace LlamaOrch.Engines.Devices;

/// <summary>
/// Parses <c>nvidia-smi --query-compute-apps=pid,gpu_uuid,used_memory --format=csv,noheader,nounits</c>: one line
/// per process and GPU it uses, memory in MiB. No line at all when the driver lists no process (none running, or
/// a container without the host's PID namespace). A bracketed used_memory ("[N/A]" under Windows WDDM,
/// "[Insufficient Permissions]" for another user's process) means the driver withholds the figure: that line is
/// left out, so its process falls back to the device figure like an unlisted one.
/// </summary>
internal static class NvidiaSmiComputeApps
{
    public const string QueryArguments = "--query-compute-apps=pid,gpu_uuid,used_memory --format=csv,noheader,nounits";

    private const long MiB = 1024L * 1024;

    /// <summary>The processes with a reported figure; throws <see cref="FormatException"/> naming the line that does not parse.</summary>
    public static List<GpuProcess> Parse(string output)
    {
        var processes = new List<GpuProcess>();
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        for (var number = 0; number < lines.Length; number++)
        {
            var fields = lines[number].Split(',', StringSplitOptions.TrimEntries);
            if (fields.Length != 3)
                throw new FormatException($"nvidia-smi compute-apps line {number + 1} has {fields.Length} fields, expected 3: '{lines[number]}'");
            var processId = Integer<int>(fields[0], "pid", number);
            if (fields[2].StartsWith('[')) continue;
            processes.Add(new GpuProcess(processId, fields[1], Integer<long>(fields[2], "used_memory", number) * MiB));
        }
        return processes;
    }

    private static T Integer<T>(string value, string field, int line) where T : INumberBase<T> =>
        T.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed)
            ? parsed
            : throw new FormatException($"nvidia-smi compute-apps line {line + 1}: {field} '{value}' is not a number");
}

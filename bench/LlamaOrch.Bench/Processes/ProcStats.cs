using System.Diagnostics;
using System.Globalization;

namespace LlamaOrch.Bench.Processes;

/// <summary>Readings from /proc about the processes under test: resident memory, CPU time and children.</summary>
internal static class ProcStats
{
    /// <summary>VmRSS in bytes, or null when the process is gone.</summary>
    public static long? ResidentBytes(int pid) => StatusField(pid, "VmRSS:") is { } kilobytes ? kilobytes * 1024 : null;

    /// <summary>Threads of the process: a thread pool that keeps growing under load means something blocks.</summary>
    public static long? Threads(int pid) => StatusField(pid, "Threads:");

    /// <summary>The leading number of one line of /proc/PID/status.</summary>
    private static long? StatusField(int pid, string name)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (!line.StartsWith(name, StringComparison.Ordinal)) continue;
                return long.Parse(line[name.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            }
        }
        catch (IOException)
        {
            // The process is gone.
        }
        return null;
    }

    /// <summary>User plus system CPU time; zero when the process is gone.</summary>
    public static TimeSpan CpuTime(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return process.TotalProcessorTime;
        }
        catch (Exception gone) when (gone is ArgumentException or InvalidOperationException)
        {
            return TimeSpan.Zero;
        }
    }

    /// <summary>
    /// The fields of a /proc stat line after the command name, from field 3 (state) on: the name may hold spaces and
    /// parentheses, so they are counted from its last ')'.
    /// </summary>
    public static string[] StatFields(string stat) => stat[(stat.LastIndexOf(')') + 2)..].Split(' ');

    /// <summary>The pids whose parent is <paramref name="parentPid"/> (orchestratord's engine replicas).</summary>
    public static IReadOnlyList<int> ChildrenOf(int parentPid)
    {
        var children = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)) continue;
            try
            {
                // Field 4 of /proc/PID/stat is the parent pid.
                var fields = StatFields(File.ReadAllText(Path.Combine(directory, "stat")));
                if (int.Parse(fields[1], CultureInfo.InvariantCulture) == parentPid) children.Add(pid);
            }
            catch (IOException)
            {
                // The process ended while we looked.
            }
        }
        return children;
    }
}

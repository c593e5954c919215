using System.Globalization;

namespace LlamaOrch.Bench.Processes;

/// <summary>
/// The CPU of a .NET process's tiered-compilation worker, from /proc. After a start the runtime recompiles every hot
/// method at tier 1 on that one background thread; under a flood of requests against a fresh orchestratord it used 10–30 %
/// of a core for the first 6–7 s (2026-12-07), and the request threads ran slower code meanwhile, so a window that opens
/// before it is done measures the start-up, not the steady state.
/// </summary>
internal static class TieredJit
{
    /// <summary>The thread's name as /proc shows it (Linux keeps the first 15 bytes of ".NET Tiered Compilation Worker").</summary>
    private const string ThreadName = ".NET Tiered Com";

    /// <summary>USER_HZ, the unit of /proc/PID/task/TID/stat's times; 100 on every Linux the bench targets.</summary>
    private const double TicksPerSecond = 100;

    /// <summary>CPU time the tiered-compilation threads of <paramref name="pids"/> have used; processes that are gone count zero.</summary>
    public static TimeSpan CpuTime(IEnumerable<int> pids)
    {
        long ticks = 0;
        foreach (var pid in pids)
        {
            try
            {
                foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
                {
                    if (File.ReadAllText(Path.Combine(task, "comm")).TrimEnd('\n') != ThreadName) continue;
                    // utime and stime are fields 14 and 15.
                    var fields = ProcStats.StatFields(File.ReadAllText(Path.Combine(task, "stat")));
                    ticks += long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
                }
            }
            catch (Exception gone) when (gone is IOException or UnauthorizedAccessException)
            {
                // The process or thread ended while we looked.
            }
        }
        return TimeSpan.FromSeconds(ticks / TicksPerSecond);
    }
}

using System.Diagnostics;

namespace LlamaOrch.Bench.Processes;

/// <summary>
/// CPU used by each side during a window, as a share of one core. On two cores the client, orchestratord
/// and the engine compete for the same CPU, so where it went explains a ratio better than the ratio alone.
/// "other" is the rest of the machine (a build next door shows up there and makes a run suspect).
/// </summary>
internal sealed class CpuMeter(IReadOnlyList<(string Name, Func<IReadOnlyList<int>> Pids)> groups)
{
    /// <summary>USER_HZ, the unit of /proc/stat; 100 on every Linux the bench targets.</summary>
    private const double ProcStatTicksPerSecond = 100;

    private TimeSpan[] _start = [];
    private TimeSpan _machineStart;
    private long _startTimestamp;

    /// <summary>Every process measured (each group's pids as they stand now).</summary>
    public IReadOnlyList<int> Pids() => groups.SelectMany(group => group.Pids()).Distinct().ToList();

    public void Start()
    {
        _start = Read();
        _machineStart = MachineBusy();
        _startTimestamp = Stopwatch.GetTimestamp();
    }

    /// <summary>Percent of one core per group since <see cref="Start"/> (200% = both cores of a 2-core machine).</summary>
    public IReadOnlyList<(string Name, double Percent)> Stop()
    {
        var end = Read();
        var machine = MachineBusy() - _machineStart;
        var seconds = Stopwatch.GetElapsedTime(_startTimestamp).TotalSeconds;
        var result = new List<(string, double)>(groups.Count + 1);
        var measured = TimeSpan.Zero;
        for (var index = 0; index < groups.Count; index++)
        {
            measured += end[index] - _start[index];
            result.Add((groups[index].Name, (end[index] - _start[index]).TotalSeconds / seconds * 100));
        }
        result.Add(("other", Math.Max(0, (machine - measured).TotalSeconds / seconds * 100)));
        return result;
    }

    private TimeSpan[] Read()
    {
        var times = new TimeSpan[groups.Count];
        for (var index = 0; index < groups.Count; index++)
        {
            foreach (var pid in groups[index].Pids()) times[index] += ProcStats.CpuTime(pid);
        }
        return times;
    }

    /// <summary>CPU time the whole machine spent busy (all cores), from the first line of /proc/stat.</summary>
    private static TimeSpan MachineBusy()
    {
        // cpu  user nice system idle iowait irq softirq steal ...
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        long busy = 0;
        for (var index = 1; index < fields.Length && index <= 8; index++)
        {
            if (index is 4 or 5) continue; // idle, iowait
            busy += long.Parse(fields[index], System.Globalization.CultureInfo.InvariantCulture);
        }
        return TimeSpan.FromSeconds(busy / ProcStatTicksPerSecond);
    }
}

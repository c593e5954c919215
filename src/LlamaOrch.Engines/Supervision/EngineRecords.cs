using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace LlamaOrch.Engines.Supervision;

/// <summary>
/// The engine processes this orchestratord started, one small file each in a folder of its data dir (name: the pid;
/// content: the process's start time in the kernel's clock ticks since boot). A file is written when an engine
/// starts and deleted when it has been stopped, so files left over name engines of an orchestratord that died
/// without stopping them (kill -9): the next start stops those, and only those whose pid still belongs to the
/// same process (same start time). Any other process, an upstream or an engine someone else started, is never
/// touched. Linux only: elsewhere the start time cannot be read and nothing is stopped.
/// </summary>
internal sealed class EngineRecords(string directory, ILogger logger)
{
    public void Started(Process process)
    {
        try
        {
            if (StartTicks(process.Id) is not { } ticks) return;
            Directory.CreateDirectory(directory);
            File.WriteAllText(PathOf(process.Id), ticks.ToString(CultureInfo.InvariantCulture));
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            logger.LogWarning("Could not record engine pid {Pid} in {Directory}: {Message}; a crash of orchestratord may leave it running", process.Id, directory, error.Message);
        }
    }

    public void Stopped(int pid)
    {
        try
        {
            File.Delete(PathOf(pid));
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning("Could not remove the record of engine pid {Pid}: {Message}", pid, error.Message);
        }
    }

    /// <summary>Stops the engines an earlier run started and did not stop; returns how many it stopped.</summary>
    public int StopLeftovers()
    {
        if (!Directory.Exists(directory)) return 0;
        var stopped = 0;
        foreach (var file in Directory.GetFiles(directory))
        {
            if (int.TryParse(Path.GetFileName(file), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                && long.TryParse(ReadOrEmpty(file), NumberStyles.None, CultureInfo.InvariantCulture, out var recorded))
            {
                if (StartTicks(pid) == recorded && Kill(pid)) stopped++;
                else logger.LogDebug("Engine record {Pid}: no such process any more, or the pid now belongs to another process; left alone", pid);
            }
            try
            {
                File.Delete(file);
            }
            catch (Exception error) when (error is IOException or UnauthorizedAccessException)
            {
                logger.LogWarning("Could not remove engine record {File}: {Message}", file, error.Message);
            }
        }
        return stopped;
    }

    private bool Kill(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill(entireProcessTree: true);
            process.WaitForExit(TimeSpan.FromSeconds(10));
            logger.LogWarning("Stopped engine pid {Pid}, left running by an earlier orchestratord that did not stop it", pid);
            return true;
        }
        catch (Exception error) when (error is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            logger.LogWarning("Could not stop leftover engine pid {Pid}: {Message}", pid, error.Message);
            return false;
        }
    }

    private string PathOf(int pid) => Path.Combine(directory, pid.ToString(CultureInfo.InvariantCulture));

    private static string ReadOrEmpty(string file)
    {
        try
        {
            return File.ReadAllText(file).Trim();
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return string.Empty;
        }
    }

    /// <summary>Field 22 of <c>/proc/PID/stat</c>: when the process started, in clock ticks since boot; null when unknown.</summary>
    internal static long? StartTicks(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        // The command name (field 2) is in parentheses and may hold spaces: count fields after the last ')'.
        var fields = stat[(stat.LastIndexOf(')') + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return fields.Length > 19 && long.TryParse(fields[19], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) ? ticks : null;
    }
}

using System.Diagnostics;
using System.Globalization;
using LlamaOrch.Engines.Supervision;

namespace LlamaOrch.EndToEnd.Tests;

/// <summary>
/// Issue 18, defect 5: engines orchestratord started are recorded in its data dir, so that the next start stops
/// those an orchestratord that died (kill -9) left running; a process it did not start is never touched.
/// </summary>
public sealed class LeftoverEngineTests
{
    private const string Slow = "sim:slow?tps=20";

    [Fact]
    public async Task The_engines_it_runs_are_recorded_and_the_record_goes_when_they_stop()
    {
        var dataDir = Directory.CreateTempSubdirectory("llorch-records-").FullName;
        try
        {
            int pid;
            await using (var orchestrator = await Orchestrator.StartInAsync(dataDir, true, Orchestrator.Pool(Slow)))
            {
                pid = orchestrator.Supervisor.EngineProcessIds[0]!.Value;
                var record = Path.Combine(dataDir, "engines", pid.ToString(CultureInfo.InvariantCulture));
                Assert.True(File.Exists(record));
                Assert.Equal(EngineRecords.StartTicks(pid)!.Value.ToString(CultureInfo.InvariantCulture), File.ReadAllText(record));
            }
            Assert.False(File.Exists(Path.Combine(dataDir, "engines", pid.ToString(CultureInfo.InvariantCulture))));
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    [Fact]
    public async Task At_start_it_stops_a_recorded_leftover_of_its_own_and_never_a_process_it_did_not_start()
    {
        var dataDir = Directory.CreateTempSubdirectory("llorch-records-").FullName;
        using var leftover = Process.Start("sleep", "300");
        using var stranger = Process.Start("sleep", "300");
        try
        {
            // As a killed orchestratord leaves them: a record of the leftover with its real start time, and a record whose
            // pid now belongs to another process (the stranger, whose start time differs from the one recorded).
            var records = Directory.CreateDirectory(Path.Combine(dataDir, "engines")).FullName;
            File.WriteAllText(Path.Combine(records, leftover.Id.ToString(CultureInfo.InvariantCulture)), EngineRecords.StartTicks(leftover.Id)!.Value.ToString(CultureInfo.InvariantCulture));
            File.WriteAllText(Path.Combine(records, stranger.Id.ToString(CultureInfo.InvariantCulture)), (EngineRecords.StartTicks(stranger.Id)!.Value - 1).ToString(CultureInfo.InvariantCulture));

            await using (await Orchestrator.StartInAsync(dataDir, true, Orchestrator.Pool(Slow)))
            {
                Assert.True(leftover.WaitForExit(TimeSpan.FromSeconds(30)), "the leftover engine was not stopped");
                Assert.False(stranger.HasExited);
                Assert.False(File.Exists(Path.Combine(records, stranger.Id.ToString(CultureInfo.InvariantCulture))));
            }
            Assert.False(stranger.HasExited);
        }
        finally
        {
            foreach (var process in (Process[])[leftover, stranger])
                if (!process.HasExited) process.Kill();
            Directory.Delete(dataDir, recursive: true);
        }
    }
}

using System.Runtime.InteropServices;
using LlamaOrch.Bench;
using LlamaOrch.Bench.Load;
using LlamaOrch.Bench.Processes;

var options = BenchCommandLine.Parse(args, out var error);
if (options is null)
{
    if (error is null)
    {
        BenchCommandLine.WriteHelp(Console.Out);
        return 0;
    }
    Console.Error.WriteLine($"llorch-bench: {error}");
    Console.Error.WriteLine("Run it with --help for the options it takes.");
    return 2;
}

var workDirectory = Directory.CreateTempSubdirectory("llorch-bench-").FullName;
using var stopping = new CancellationTokenSource();
using var children = new ChildProcesses(workDirectory);
using var http = BenchHttp.Create();

// Ctrl-C, SIGTERM or a closed terminal: stop measuring and unwind, which kills the children. The runtime's own
// SIGTERM handling ends the process without raising ProcessExit, hence the explicit registrations. A second
// signal does not wait for the unwind: it kills the children and lets the process die.
bool StopOrKill()
{
    if (stopping.IsCancellationRequested)
    {
        children.KillAll();
        return false;
    }
    stopping.Cancel();
    return true;
}
Console.CancelKeyPress += (_, press) => press.Cancel = StopOrKill();
using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, signal => signal.Cancel = StopOrKill());
using var onHangUp = PosixSignalRegistration.Create(PosixSignal.SIGHUP, signal => signal.Cancel = StopOrKill());

var succeeded = false;
try
{
    var layout = RepoLayout.Locate();
    await new BenchRun(options, layout, children, http, workDirectory).RunAsync(stopping.Token);
    succeeded = true;
    return 0;
}
catch (BenchSetupException setup)
{
    Console.Error.WriteLine($"llorch-bench: {setup.Message}");
    return 1;
}
catch (OperationCanceledException) when (stopping.IsCancellationRequested)
{
    Console.Error.WriteLine("llorch-bench: interrupted");
    return 130;
}
finally
{
    children.KillAll();
    // Logs of the children stay behind only when something went wrong, for the post-mortem.
    if (succeeded) Directory.Delete(workDirectory, recursive: true);
    else Console.Error.WriteLine($"llorch-bench: child logs kept in {workDirectory}");
}

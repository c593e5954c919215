using System.Diagnostics;
using System.Globalization;

namespace LlamaOrch.Bench.Processes;

/// <summary>
/// Starts every child of the bench and kills all of them when the bench ends: normally (Dispose), on an
/// exception (Dispose from the caller's finally), on Ctrl-C and SIGTERM (ProcessExit).
/// </summary>
internal sealed class ChildProcesses : IDisposable
{
    private readonly List<ChildProcess> _children = [];
    private readonly string _logDirectory;

    public ChildProcesses(string logDirectory)
    {
        _logDirectory = logDirectory;
        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
    }

    /// <summary>
    /// Runs <c>dotnet DLL ARGS</c> through <c>sh -c 'exec …'</c> so that its output goes straight to files and
    /// the pid the bench holds is the dotnet process itself.
    /// </summary>
    public ChildProcess StartDotnet(string name, string dotnetHost, string dll, IEnumerable<string> args, string workingDirectory, IReadOnlyDictionary<string, string>? environment = null)
    {
        var stdout = Path.Combine(_logDirectory, name + ".out.log");
        var stderr = Path.Combine(_logDirectory, name + ".err.log");
        var start = new ProcessStartInfo("/bin/sh")
        {
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("exec \"$@\" >\"$LLORCH_BENCH_STDOUT\" 2>\"$LLORCH_BENCH_STDERR\" </dev/null");
        start.ArgumentList.Add("sh");
        start.ArgumentList.Add(dotnetHost);
        start.ArgumentList.Add(dll);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["LLORCH_BENCH_STDOUT"] = stdout;
        start.Environment["LLORCH_BENCH_STDERR"] = stderr;
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;

        var process = Process.Start(start) ?? throw new BenchSetupException($"cannot start {name}");
        var child = new ChildProcess(name, process, stdout, stderr);
        lock (_children) _children.Add(child);
        return child;
    }

    /// <summary>The environment that makes llorch-engine exit by itself if the bench dies without killing it.</summary>
    public static IReadOnlyDictionary<string, string> ParentWatch() =>
        new Dictionary<string, string> { ["LLORCH_PARENT_PID"] = Environment.ProcessId.ToString(CultureInfo.InvariantCulture) };

    public void KillAll()
    {
        ChildProcess[] children;
        lock (_children)
        {
            children = [.. _children];
            _children.Clear();
        }
        foreach (var child in children) child.Kill();
    }

    public void Dispose()
    {
        KillAll();
        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
    }

    private void OnProcessExit(object? sender, EventArgs e) => KillAll();
}

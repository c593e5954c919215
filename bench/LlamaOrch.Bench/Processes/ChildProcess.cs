using System.Diagnostics;

namespace LlamaOrch.Bench.Processes;

/// <summary>
/// A process the bench started, with its output going to files. Files rather than pipes: draining a pipe
/// would cost the bench CPU that the measured processes share, and a pipe nobody drains blocks the child.
/// </summary>
internal sealed class ChildProcess(string name, Process process, string stdoutPath, string stderrPath)
{
    public string Name { get; } = name;

    public int Pid { get; } = process.Id;

    public string StdoutPath { get; } = stdoutPath;

    public string StderrPath { get; } = stderrPath;

    public bool HasExited => process.HasExited;

    /// <summary>The last lines of both outputs, to explain a child that failed to start.</summary>
    public string Tail(int lines = 15)
    {
        static IEnumerable<string> Last(string path, int count) =>
            File.Exists(path) ? File.ReadLines(path).TakeLast(count) : [];
        var exit = process.HasExited ? $" (exit code {process.ExitCode})" : string.Empty;
        return $"{Name}{exit}, last output:\n  " + string.Join("\n  ", Last(StdoutPath, lines).Concat(Last(StderrPath, lines)));
    }

    /// <summary>Kills the process and everything it started (orchestratord's engine replicas); safe to repeat.</summary>
    public void Kill()
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(5000);
            }
        }
        catch (Exception error) when (error is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Already gone.
        }
        process.Dispose();
    }
}

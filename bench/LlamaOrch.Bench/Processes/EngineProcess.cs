using System.Diagnostics;
using System.Globalization;

namespace LlamaOrch.Bench.Processes;

/// <summary>A llorch-engine the bench runs by itself: the baseline that orchestratord's relay is compared with.</summary>
internal sealed class EngineProcess
{
    private const string ListeningPrefix = "llorch-engine listening on ";
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);

    private EngineProcess(ChildProcess child, Uri baseAddress)
    {
        Child = child;
        BaseAddress = baseAddress;
    }

    public ChildProcess Child { get; }

    public Uri BaseAddress { get; }

    public int Pid => Child.Pid;

    /// <summary>
    /// Starts it exactly as orchestratord's supervisor does (same arguments), on a port it picks itself. Each engine of
    /// a run needs its own <paramref name="name"/>: its listening line is read from the log file named after it.
    /// </summary>
    public static async Task<EngineProcess> StartAsync(
        ChildProcesses children, RepoLayout layout, string model, int slots, int ctxPerSlot, CancellationToken cancellationToken,
        string name = "engine-direct")
    {
        string[] args =
        [
            "-m", model,
            "--host", "127.0.0.1",
            "--port", "0",
            "-np", slots.ToString(CultureInfo.InvariantCulture),
            "-c", ((long)ctxPerSlot * slots).ToString(CultureInfo.InvariantCulture),
        ];
        var child = children.StartDotnet(name, layout.DotnetHost, layout.EngineDll, args,
            workingDirectory: Path.GetDirectoryName(layout.EngineDll)!, environment: ChildProcesses.ParentWatch());

        var started = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(started) < ReadyTimeout)
        {
            if (ListeningAddress(child.StdoutPath) is { } address) return new EngineProcess(child, address);
            if (child.HasExited) throw new BenchSetupException($"llorch-engine exited during start: {child.Tail()}");
            await Task.Delay(50, cancellationToken);
        }
        throw new BenchSetupException($"llorch-engine printed no listening line within {ReadyTimeout.TotalSeconds:0} s: {child.Tail()}");
    }

    private static Uri? ListeningAddress(string stdoutPath)
    {
        if (!File.Exists(stdoutPath)) return null;
        using var reader = new StreamReader(new FileStream(stdoutPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
        var text = reader.ReadToEnd();
        var at = text.IndexOf(ListeningPrefix, StringComparison.Ordinal);
        // Only a whole line counts: the engine may be halfway through writing it.
        var end = at < 0 ? -1 : text.IndexOf('\n', at);
        if (end < 0) return null;
        return new Uri(text[(at + ListeningPrefix.Length)..end].Trim().TrimEnd('/') + "/");
    }
}

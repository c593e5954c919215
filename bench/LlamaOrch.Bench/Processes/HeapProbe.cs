using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace LlamaOrch.Bench.Processes;

/// <summary>
/// The managed heap of a process after a full garbage collection, read with <c>dotnet-gcdump</c> (which forces that
/// collection): what is alive and nothing else, where VmRSS also holds garbage not yet collected and heap the GC keeps.
/// The way to tell bytes per queued task or per stream apart at the scale of kilobytes.
/// </summary>
internal sealed partial class HeapProbe(string gcdumpTool, string workDirectory)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);
    private int _dumps;

    /// <summary>Live managed bytes of <paramref name="pid"/>; null when the tool failed (the reason goes to stderr).</summary>
    public async Task<long?> LiveBytesAsync(int pid, CancellationToken cancellationToken)
    {
        var file = Path.Combine(workDirectory, $"heap-{pid}-{Interlocked.Increment(ref _dumps)}.gcdump");
        try
        {
            if (await RunAsync(["collect", "-p", pid.ToString(CultureInfo.InvariantCulture), "-o", file], cancellationToken) is null) return null;
            if (await RunAsync(["report", file], cancellationToken) is not { } report) return null;
            var total = TotalLine().Match(report);
            if (total.Success) return long.Parse(total.Groups[1].Value.Replace(",", ""), CultureInfo.InvariantCulture);
            await Console.Error.WriteLineAsync($"[bench] dotnet-gcdump report printed no heap total: {report[..Math.Min(report.Length, 200)]}");
            return null;
        }
        finally
        {
            File.Delete(file);
        }
    }

    private async Task<string?> RunAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(gcdumpTool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new BenchSetupException($"cannot start {gcdumpTool}");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var error = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        if (process.ExitCode == 0) return await output;
        await Console.Error.WriteLineAsync($"[bench] {gcdumpTool} {string.Join(' ', arguments)} exited {process.ExitCode}: {await error}");
        return null;
    }

    [GeneratedRegex(@"([\d,]+)\s+GC Heap bytes")]
    private static partial Regex TotalLine();
}

using System.ComponentModel;
using System.Diagnostics;

namespace LlamaOrch.Engines.Devices;

/// <summary>
/// Runs nvidia-smi once. No nvidia-smi on the machine means no GPU (not an error); a failing one (driver
/// not loaded, say) or output that does not parse is reported as the probe's error, with the CPU as device.
/// </summary>
public sealed class NvidiaSmiProbe(string command, TimeProvider time)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public async Task<DeviceSnapshot> ProbeAsync(CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(command, NvidiaSmiOutput.QueryArguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (Win32Exception)
        {
            return DeviceSnapshot.None(time.GetUtcNow()); // not installed: a machine without NVIDIA GPUs
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var errors = process.StandardError.ReadToEndAsync(cancellationToken);
            try
            {
                await process.WaitForExitAsync(cancellationToken).WaitAsync(Timeout, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                process.Kill(entireProcessTree: true);
                return new DeviceSnapshot([], $"nvidia-smi did not answer within {Timeout.TotalSeconds:0} s", time.GetUtcNow());
            }

            var text = await output.ConfigureAwait(false);
            if (process.ExitCode != 0)
            {
                var reason = FirstLine(text) ?? FirstLine(await errors.ConfigureAwait(false)) ?? "no output";
                return new DeviceSnapshot([], $"nvidia-smi failed (exit code {process.ExitCode}): {reason}", time.GetUtcNow());
            }
            try
            {
                return new DeviceSnapshot(NvidiaSmiOutput.Parse(text), null, time.GetUtcNow());
            }
            catch (FormatException error)
            {
                return new DeviceSnapshot([], error.Message, time.GetUtcNow());
            }
        }
    }

    private static string? FirstLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
}

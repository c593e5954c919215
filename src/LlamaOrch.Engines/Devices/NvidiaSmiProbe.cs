using System.ComponentModel;
using System.Diagnostics;

namespace LlamaOrch.Engines.Devices;

/// <summary>
/// Runs nvidia-smi's two queries, the GPUs' and then their compute processes', one after the other. No nvidia-smi
/// on the machine means no GPU (not an error); a failing one (driver not loaded, say) or GPU output that does not
/// parse is reported as the probe's error, with the CPU as device. The process query only adds detail: when it
/// fails the GPUs are still listed, without processes, and <see cref="DeviceSnapshot.ProcessProbeError"/> says why.
/// </summary>
public sealed class NvidiaSmiProbe(string command, TimeProvider time)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public async Task<DeviceSnapshot> ProbeAsync(CancellationToken cancellationToken)
    {
        var gpuQuery = await RunAsync(NvidiaSmiOutput.QueryArguments, cancellationToken).ConfigureAwait(false);
        if (gpuQuery.Error is { } error) return new DeviceSnapshot([], error, time.GetUtcNow());
        if (gpuQuery.Output is not { } output) return DeviceSnapshot.None(time.GetUtcNow()); // not installed: a machine without NVIDIA GPUs

        List<GpuDevice> gpus;
        try
        {
            gpus = NvidiaSmiOutput.Parse(output);
        }
        catch (FormatException parseError)
        {
            return new DeviceSnapshot([], parseError.Message, time.GetUtcNow());
        }
        if (gpus.Count == 0) return new DeviceSnapshot(gpus, null, time.GetUtcNow());

        var processQuery = await RunAsync(NvidiaSmiComputeApps.QueryArguments, cancellationToken).ConfigureAwait(false);
        var processError = processQuery.Error ?? (processQuery.Output is null ? "nvidia-smi went away between its two queries" : null);
        List<GpuProcess> processes = [];
        if (processQuery.Output is { } processOutput)
        {
            try
            {
                processes = NvidiaSmiComputeApps.Parse(processOutput);
            }
            catch (FormatException parseError)
            {
                processError = parseError.Message;
            }
        }
        return new DeviceSnapshot(gpus, null, time.GetUtcNow()) { Processes = processes, ProcessProbeError = processError };
    }

    /// <summary>nvidia-smi's output, or why there is none; both null when nvidia-smi is not installed.</summary>
    private async Task<Answer> RunAsync(string arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(command, arguments)
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
            return new Answer(null, null);
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
                return new Answer(null, $"nvidia-smi did not answer within {Timeout.TotalSeconds:0} s");
            }

            var text = await output.ConfigureAwait(false);
            if (process.ExitCode == 0) return new Answer(text, null);
            var reason = FirstLine(text) ?? FirstLine(await errors.ConfigureAwait(false)) ?? "no output";
            return new Answer(null, $"nvidia-smi failed (exit code {process.ExitCode}): {reason}");
        }
    }

    private static string? FirstLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();

    private sealed record Answer(string? Output, string? Error);
}

namespace LlamaOrch.Engines.Devices;

/// <summary>
/// The GPUs seen at one probe, or none: without an NVIDIA driver (or when the probe fails) the CPU is the
/// only device, and <see cref="ProbeError"/> says why no GPU is listed when that is not simply "no driver".
/// </summary>
public sealed record DeviceSnapshot(IReadOnlyList<GpuDevice> Gpus, string? ProbeError, DateTimeOffset ProbedAt)
{
    /// <summary>
    /// The compute processes' GPU memory, from the same probe. Only those the driver reports a figure for: none
    /// where it lists no process (a container without the host's PID namespace, no process running) or withholds
    /// the figure ("[N/A]", "[Insufficient Permissions]"), and none when that query failed (<see cref="ProcessProbeError"/>).
    /// </summary>
    public IReadOnlyList<GpuProcess> Processes { get; init; } = [];

    /// <summary>Why the per-process query gave nothing, when it failed; the GPUs are still listed.</summary>
    public string? ProcessProbeError { get; init; }

    public static DeviceSnapshot None(DateTimeOffset at) => new([], null, at);

    /// <summary>The memory this process holds on this GPU, or null when the driver did not report it.</summary>
    public long? ProcessUsedBytes(int processId, GpuDevice gpu)
    {
        // A plain loop: a handful of processes, read once per replica per scrape.
        foreach (var process in Processes)
            if (process.ProcessId == processId && process.GpuUuid == gpu.Uuid) return process.UsedBytes;
        return null;
    }
}

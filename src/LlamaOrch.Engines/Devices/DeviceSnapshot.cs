namespace LlamaOrch.Engines.Devices;

/// <summary>
/// The GPUs seen at one probe, or none: without an NVIDIA driver (or when the probe fails) the CPU is the
/// only device, and <see cref="ProbeError"/> says why no GPU is listed when that is not simply "no driver".
/// </summary>
public sealed record DeviceSnapshot(IReadOnlyList<GpuDevice> Gpus, string? ProbeError, DateTimeOffset ProbedAt)
{
    public static DeviceSnapshot None(DateTimeOffset at) => new([], null, at);
}

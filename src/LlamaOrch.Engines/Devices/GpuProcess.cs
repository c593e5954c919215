namespace LlamaOrch.Engines.Devices;

/// <summary>
/// GPU memory one compute process holds on one GPU, as nvidia-smi reports it. <see cref="ProcessId"/> is the
/// driver's, in the host's PID namespace: inside a container without it, it is not the pid this process sees.
/// </summary>
public sealed record GpuProcess(int ProcessId, string GpuUuid, long UsedBytes);

namespace LlamaOrch.Engines.Devices;

/// <summary>One NVIDIA GPU as nvidia-smi reports it. Used memory includes every process's, ours or not.</summary>
public sealed record GpuDevice(
    int Index,
    string Uuid,
    string Name,
    long TotalBytes,
    long UsedBytes,
    long FreeBytes,
    int? UtilizationPercent);

namespace LlamaOrch.Engines.Tests.Devices;

/// <summary>
/// Outputs in nvidia-smi's csv,noheader,nounits format for the machines the specs name. Written by hand in
/// that format (no GPU was at hand to capture them): note the reserved memory (total > used + free) and
/// the bracketed "[N/A]" that cards without a utilisation counter print.
/// </summary>
internal static class NvidiaSmiOutputs
{
    public const string Rtx3090And3060 = """
        0, GPU-6a3f0e4b-2c1d-4e5f-8a9b-0c1d2e3f4a5b, NVIDIA GeForce RTX 3090, 24576, 1536, 22741, 7
        1, GPU-9b8a7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d, NVIDIA GeForce RTX 3060, 12288, 420, 11611, 0

        """;

    public const string OneGpuWithoutUtilization = """
        0, GPU-11111111-2222-3333-4444-555555555555, NVIDIA A10G, 23028, 0, 22515, [N/A]
        """;

    /// <summary>
    /// <c>--query-compute-apps=pid,gpu_uuid,used_memory</c> on <see cref="Rtx3090And3060"/>: two engines on the
    /// 3090, one split across both cards (a line per GPU it uses).
    /// </summary>
    public const string ComputeAppsOn3090And3060 = """
        4242, GPU-6a3f0e4b-2c1d-4e5f-8a9b-0c1d2e3f4a5b, 1024
        4343, GPU-6a3f0e4b-2c1d-4e5f-8a9b-0c1d2e3f4a5b, 300
        4343, GPU-9b8a7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d, 200

        """;

    /// <summary>Processes the driver lists without their figure: WDDM's "[N/A]", and another user's process.</summary>
    public const string ComputeAppsWithheld = """
        4242, GPU-6a3f0e4b-2c1d-4e5f-8a9b-0c1d2e3f4a5b, [N/A]
        4343, GPU-6a3f0e4b-2c1d-4e5f-8a9b-0c1d2e3f4a5b, [Insufficient Permissions]
        4444, GPU-9b8a7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d, 512
        """;

    public const string DriverNotLoaded =
        "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running.\n";
}

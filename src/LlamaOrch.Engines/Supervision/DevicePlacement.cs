namespace LlamaOrch.Engines.Supervision;

/// <summary>The values of a pool's <c>Devices</c> setting besides GPU indices, and where a replica ends up.</summary>
public static class DevicePlacement
{
    /// <summary>Run on the CPU.</summary>
    public const string Cpu = "cpu";

    /// <summary>Any GPU that fits, the one with the most free memory first; the CPU when the machine has none.</summary>
    public const string Auto = "auto";
}

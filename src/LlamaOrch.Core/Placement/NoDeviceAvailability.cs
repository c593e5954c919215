namespace LlamaOrch.Core.Placement;

/// <summary>No inventory: every device ties on free memory.</summary>
public sealed class NoDeviceAvailability : IDeviceAvailability
{
    public static readonly NoDeviceAvailability Instance = new();

    public long? AvailableBytes(string device) => null;
}

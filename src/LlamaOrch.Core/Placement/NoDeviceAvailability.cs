namespace LlamaOrch.Core.Placement;

/// <summary>No inventory: every device ties on free memory.</summary>
internal sealed class NoDeviceAvailability : IDeviceAvailability
{
    public static readonly NoDeviceAvailability Instance = new();

    private static readonly IReadOnlyDictionary<string, long> None = new Dictionary<string, long>();

    public IReadOnlyDictionary<string, long> Snapshot() => None;
}

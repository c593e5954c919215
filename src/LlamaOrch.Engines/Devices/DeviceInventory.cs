namespace LlamaOrch.Engines.Devices;

/// <summary>The latest device snapshot, refreshed periodically by the host; readers never wait on a probe.</summary>
public sealed class DeviceInventory(NvidiaSmiProbe probe)
{
    private DeviceSnapshot _current = DeviceSnapshot.None(DateTimeOffset.MinValue);

    public DeviceSnapshot Current => Volatile.Read(ref _current);

    public async Task RefreshAsync(CancellationToken cancellationToken) =>
        Volatile.Write(ref _current, await probe.ProbeAsync(cancellationToken).ConfigureAwait(false));
}

namespace LlamaOrch.Engines.Devices;

/// <summary>The latest device snapshot, refreshed periodically by the host; readers never wait on a probe.</summary>
public sealed class DeviceInventory(NvidiaSmiProbe probe)
{
    private readonly SemaphoreSlim _probing = new(1, 1);
    private DeviceSnapshot _current = DeviceSnapshot.None(DateTimeOffset.MinValue);

    public DeviceSnapshot Current => Volatile.Read(ref _current);

    public bool HasProbed => Current.ProbedAt != DateTimeOffset.MinValue;

    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await _probing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Volatile.Write(ref _current, await probe.ProbeAsync(cancellationToken).ConfigureAwait(false));
        }
        finally
        {
            _probing.Release();
        }
    }

    /// <summary>The latest snapshot; the first caller before any probe waits for one, so placement never sees "no GPU" by mistake.</summary>
    public async Task<DeviceSnapshot> CurrentOrProbeAsync(CancellationToken cancellationToken)
    {
        if (!HasProbed) await RefreshAsync(cancellationToken).ConfigureAwait(false);
        return Current;
    }
}

using LlamaOrch.Engines.Devices;
using LlamaOrch.Server.Configuration;

namespace LlamaOrch.Server.Hosting;

/// <summary>Probes the devices at start and then periodically (Orchestrator:Devices:RefreshSeconds).</summary>
internal sealed class DeviceRefreshService(DeviceInventory inventory, OrchestratorSettings settings, TimeProvider time, ILogger<DeviceRefreshService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(settings.Devices.RefreshSeconds), time);
        try
        {
            do
            {
                await inventory.RefreshAsync(stoppingToken);
                if (inventory.Current.ProbeError is { } error) logger.LogWarning("Device probe: {Error}; the CPU is the only device", error);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException)
        {
            // Host is stopping.
        }
    }
}
